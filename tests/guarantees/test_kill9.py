"""Guarantee: a `kill -9` at any point of a command loses nothing, and running it again finishes
the job: the state it ends in is the one an uninterrupted run gives, with no temporary left.

Each test kills a real `pipeline` process with SIGKILL at a chosen point (the Nth call of a
function, which the process sends itself, as the kernel's out-of-memory killer would), checks
what the kill left, runs the command again, and compares with an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from pipeline.workspace import Settings
from tests.guarantees.conftest import ROOT, Run
from tests.translate.conftest import installed_dir, model_files  # noqa: F401 - fixtures

#: Runs `pipeline ARGS` with `MODULE:ATTR` replaced by a function that SIGKILLs the process at
#: its Nth call (ATTR may be Class.method).
_KILLER = """
import importlib, os, signal, sys
spec, n, sig = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mod, attr = spec.split(":")
owner = importlib.import_module(mod)
*path, name = attr.split(".")
for part in path:
    owner = getattr(owner, part)
real, calls = getattr(owner, name), [0]
def killer(*args, **kwargs):
    calls[0] += 1
    if calls[0] == n:
        os.kill(os.getpid(), sig)
    return real(*args, **kwargs)
setattr(owner, name, killer)
sys.argv = ["pipeline", *sys.argv[4:]]
from pipeline.cli import main
main()
"""


def killed(at: str, *args: str | Path, nth: int = 1, env: dict[str, str] | None = None,
           sig: int = signal.SIGKILL) -> subprocess.CompletedProcess[str]:
    """Run `pipeline ARGS` and send it `sig` at the `nth` call of `at`; SIGKILL must kill it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_REVIEWER": "ana", **(env or {})}
    env.pop("PIPELINE_WORKSPACE", None)
    proc = subprocess.run([sys.executable, "-c", _KILLER, at, str(nth), str(int(sig)),
                           *map(str, args)], capture_output=True, text=True, env=env, timeout=300)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL, proc.stderr
    return proc


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones too) -> a hash of its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() or path.is_symlink():
            out[path.relative_to(root).as_posix()] = (
                "symlink" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def temporaries(root: Path) -> list[str]:
    return [p for p in tree(root) if p.endswith((".tmp", ".staging")) or ".staging/" in p]


def db_state(ws: Settings) -> dict[str, object]:
    """What the database holds, without the times: articles, units, translations, events."""
    with sqlite3.connect(ws.database) as conn:
        return {
            "articles": conn.execute("SELECT id, title FROM articles ORDER BY id").fetchall(),
            "units": conn.execute("SELECT id, article_id, source_text, obsolete FROM units"
                                  " ORDER BY id").fetchall(),
            "translations": conn.execute(
                "SELECT unit_id, lang, text, status, revision FROM translations"
                " ORDER BY unit_id, lang").fetchall(),
            "events": conn.execute("SELECT action, count(*) FROM events GROUP BY action"
                                   " ORDER BY action").fetchall(),
        }


def twin(ws: Settings, tmp_path: Path, name: str) -> Settings:
    """A copy of the workspace, for the uninterrupted run to compare with."""
    from pipeline.workspace import load

    copy = tmp_path / name / ws.root.name  # the same name: files that name it are alike
    shutil.copytree(ws.root, copy)
    return load(copy)


def _queue(ws: Settings, run: Run, n: int = 3) -> list[str]:
    proc = run("review", "queue", "--lang", "fa", "--json", "--limit", str(n), "-w", ws.root)
    assert proc.returncode == 0, proc.stderr
    return [str(u["unit_id"]) for u in json.loads(proc.stdout)]


def _edit(ws: Settings, run: Run, tmp_path: Path, units: list[str], text: str, *,
          approve: bool = False) -> None:
    """Edit (and approve, as another reviewer) these Persian units in one batch each."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"unit": u, "action": "edit", "text": text},
                                        ensure_ascii=False) + "\n" for u in units),
                     encoding="utf-8")
    proc = run("review", "apply", batch, "--lang", "fa", "-w", ws.root)
    assert proc.returncode == 0, proc.stderr
    if approve:
        batch.write_text("".join(json.dumps({"unit": u, "action": "approve"}) + "\n"
                                 for u in units), encoding="utf-8")
        proc = run("review", "apply", batch, "--lang", "fa", "--reviewer", "reza",
                   "-w", ws.root)
        assert proc.returncode == 0, proc.stderr


# -- exports: files ----------------------------------------------------------------------------


def _published_then_changed(ws: Settings, run: Run, tmp_path: Path,
                            args: tuple[str, ...]) -> dict[str, str]:
    """Every Persian page published and exported, then a third of them edited again: the
    exported tree before the edits."""
    units = _queue(ws, run, 10000)
    _edit(ws, run, tmp_path, units, "متن", approve=True)
    assert run(*args, "-w", ws.root).returncode == 0
    before = tree(ws.root / "editions")
    _edit(ws, run, tmp_path, units[::3], "متن دیگر", approve=True)  # many pages change
    return before


def test_an_export_killed_while_renaming_its_pages_finishes_on_the_next_run(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    out = seeded.root / "editions"
    args = ("export", "-j", "1")
    before = _published_then_changed(seeded, run, tmp_path, args)
    ref = twin(seeded, tmp_path, "ref")
    assert run(*args, "-w", ref.root).returncode == 0
    after = tree(ref.root / "editions")
    assert after != before
    killed("os:replace", *args, "-w", seeded.root, nth=2)  # one page renamed in, the rest not
    left = temporaries(out)
    assert left  # the pages not yet renamed
    for rel, digest in tree(out).items():  # each file whole: as it was, or as the run makes it
        assert rel in left or digest in (before.get(rel), after.get(rel)), rel
    assert run(*args, "-w", seeded.root).returncode == 0
    final = tree(out)
    assert [k for k in final.keys() | after.keys() if final.get(k) != after.get(k)] == []
    assert not temporaries(out)


def test_ctrl_c_while_an_export_renames_its_pages_leaves_no_temporary(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    out = seeded.root / "editions"
    args = ("export", "-j", "1")
    before = _published_then_changed(seeded, run, tmp_path, args)
    proc = killed("os:replace", *args, "-w", seeded.root, nth=2, sig=signal.SIGINT)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert not temporaries(out)
    changed = [k for k, v in tree(out).items() if before.get(k) != v]
    assert len(changed) == 1  # the one page renamed in before the Ctrl-C, whole
    assert run(*args, "-w", seeded.root).returncode == 0
    assert len([k for k, v in tree(out).items() if before.get(k) != v]) > 1
    assert not temporaries(out)


def test_an_export_killed_while_writing_its_manifest_leaves_no_temporary(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    out = seeded.root / "editions"
    ref = twin(seeded, tmp_path, "ref")
    assert run("export", "-w", ref.root).returncode == 0
    # Batches flush with one sync; the first fsync is the manifest's atomic write.
    killed("os:fsync", "export", "-w", seeded.root)
    assert temporaries(out)  # the manifest's, left by the kill
    assert run("export", "-w", seeded.root).returncode == 0  # at once, not minutes later
    assert tree(out) == tree(ref.root / "editions") and not temporaries(out)


def test_a_po_export_killed_before_its_record_still_gives_its_file_a_base(
    seeded: Settings, run: Run
) -> None:
    """The file is in place when the kill comes: the record of what it gave out must be too,
    or an edit made in it is judged against an older export and refused as a conflict."""
    uid = _queue(seeded, run, 1)[0]
    assert run("review", "edit", uid, "--lang", "fa", "--text", "اول", "-w",
               seeded.root).returncode == 0
    assert run("po", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    assert run("review", "edit", uid, "--lang", "fa", "--text", "دوم", "-w",
               seeded.root).returncode == 0
    po = seeded.locales / "fa" / "LC_MESSAGES" / "articles.po"
    # Killed the moment the catalog is renamed into place (the template's rename comes first).
    killed("pipeline.atomicfile:fsync_dir", "po", "export", "--lang", "fa", "-w", seeded.root,
           nth=2)
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "دوم"' in text  # the file of the killed run
    # Through a tool that drops extracted comments (msgmerge, msgcat): only the record is left.
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#."))
    po.write_text(text.replace('msgstr "دوم"', 'msgstr "سوم"') + "\n", encoding="utf-8")
    proc = run("po", "import", po, "-w", seeded.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with sqlite3.connect(seeded.database) as conn:
        assert conn.execute("SELECT text FROM translations WHERE unit_id = ? AND lang = 'fa'",
                            (uid,)).fetchone() == ("سوم",)


def test_xliff_and_tm_exports_killed_midway_keep_the_old_file_and_finish_on_the_next_run(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    units = _queue(seeded, run, 10000)
    _edit(seeded, run, tmp_path, units[:10], "اول", approve=True)
    xlf = seeded.root / "xliff" / "articles.fa.xlf"
    tmx = seeded.root / "translation-memory.tmx"
    exports = {xlf: ("xliff", "export", "--lang", "fa"), tmx: ("tm", "export", "--lang", "fa")}
    for args in exports.values():
        assert run(*args, "-w", seeded.root).returncode == 0
    old = {path: path.read_bytes() for path in exports}
    _edit(seeded, run, tmp_path, units[:20], "دوم", approve=True)
    ref = twin(seeded, tmp_path, "ref")
    for path, args in exports.items():
        assert run(*args, "-w", ref.root).returncode == 0
        new = (ref.root / path.relative_to(seeded.root)).read_bytes()
        assert new != old[path]
        # Killed with half the file written: the old one stays, whole.
        killed("os:fsync", *args, "-w", seeded.root)
        assert path.read_bytes() == old[path] and temporaries(path.parent)
        assert run(*args, "-w", seeded.root).returncode == 0
        assert path.read_bytes() == new and not temporaries(path.parent)
    # The XLIFF file of the finished run imports against what it was given: nothing changes.
    proc = run("xliff", "import", xlf, "-w", seeded.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert db_state(seeded) == db_state(ref)


def test_an_extract_killed_between_files_finishes_on_the_next_run(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(6):
        (pages / f"story-{i}.md").write_text(
            f"---\ntitle: Story {i} of the council\n---\n\nThe council met {i} times.\n\n"
            f"It voted on the budget for road {i}.\n", encoding="utf-8")
    ref = twin(seeded, tmp_path, "ref")
    assert run("extract", pages, "-w", ref.root).returncode == 0
    before = db_state(seeded)
    killed("pipeline.extract.api:store_articles", "extract", pages, "-w", seeded.root, nth=4)
    count = [len(state["articles"]) for state in (before, db_state(seeded), db_state(ref))]  # type: ignore[arg-type]
    assert count[0] < count[1] < count[2]  # some files stored, whole, the others not yet
    assert run("extract", pages, "-w", seeded.root).returncode == 0
    assert db_state(seeded) == db_state(ref)


def test_a_po_import_killed_inside_its_transaction_changes_nothing_until_run_again(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    units = _queue(seeded, run, 10000)
    assert run("po", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    po = seeded.locales / "fa" / "LC_MESSAGES" / "articles.po"
    text = po.read_text(encoding="utf-8")
    for uid in units[:5]:  # a translator fills five entries
        at = text.index('msgstr ""', text.index(f'msgctxt "{uid}"'))
        text = text[:at] + 'msgstr "ترجمه"' + text[at + len('msgstr ""'):]
    po.write_text(text, encoding="utf-8")
    ref = twin(seeded, tmp_path, "ref")
    assert run("po", "import", ref.locales / "fa" / "LC_MESSAGES" / "articles.po",
               "-w", ref.root).returncode == 0
    before = db_state(seeded)
    assert before != db_state(ref)
    # Killed with every write of the file made, before its transaction commits.
    killed("pipeline.catalogs.importer:clear_claims", "po", "import", po, "-w", seeded.root)
    assert db_state(seeded) == before
    assert run("po", "import", po, "-w", seeded.root).returncode == 0
    assert db_state(seeded) == db_state(ref)


def test_a_translate_killed_between_batches_resumes_to_the_same_translations(
    seeded: Settings, run: Run, tmp_path: Path, installed_dir: Path  # noqa: F811 - the fixture
) -> None:
    args = ("translate", "--lang", "fa", "--beam", "1", "--batch-size", "4", "--threads", "1")
    env = {"ARGOS_PACKAGES_DIR": str(installed_dir)}
    ref = twin(seeded, tmp_path, "ref")
    proc = run(*args, "-w", ref.root, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    killed("pipeline.translate.run:_LangJob._write", *args, "-w", seeded.root, nth=3, env=env)
    partial = [row for row in db_state(seeded)["translations"]  # type: ignore[union-attr]
               if row[1] == "fa" and row[3] == "machine"]
    assert partial and len(partial) < sum(1 for row in db_state(ref)["translations"]  # type: ignore[union-attr]
                                          if row[1] == "fa" and row[3] == "machine")
    proc = run(*args, "-w", seeded.root, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert db_state(seeded) == db_state(ref)


def test_a_po_compile_killed_midway_keeps_the_old_mo_and_leaves_no_litter(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    units = _queue(seeded, run, 10000)
    _edit(seeded, run, tmp_path, units[:5], "اول", approve=True)
    mo = seeded.locales / "fa" / "LC_MESSAGES" / "articles.mo"
    for args in (("po", "export", "--lang", "fa"), ("po", "compile", "--lang", "fa")):
        assert run(*args, "-w", seeded.root).returncode == 0
    old = mo.read_bytes()
    _edit(seeded, run, tmp_path, units[:10], "دوم", approve=True)
    assert run("po", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    killed("os:fsync", "po", "compile", "--lang", "fa", "-w", seeded.root)  # written, not renamed
    assert mo.read_bytes() == old and temporaries(mo.parent)
    assert run("po", "compile", "--lang", "fa", "-w", seeded.root).returncode == 0
    assert mo.read_bytes() != old and not temporaries(mo.parent)


# -- imports of exchange files -----------------------------------------------------------------


def _tmx(path: Path, pairs: list[tuple[str, str]]) -> Path:
    """A TMX 1.4b file of English -> Persian pairs, as a CAT tool writes one."""
    tus = "".join(f'<tu tuid="t{n}"><tuv xml:lang="en"><seg>{en}</seg></tuv>'
                  f'<tuv xml:lang="fa-IR"><seg>{fa}</seg></tuv></tu>\n'
                  for n, (en, fa) in enumerate(pairs))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
                    '<header creationtool="OmegaT" creationtoolversion="6" segtype="sentence"'
                    ' o-tmf="omt" adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n'
                    f"{tus}</body></tmx>\n", encoding="utf-8")
    return path


def _memory(ws: Settings) -> list[tuple[object, ...]]:
    """The translation memory without the import times."""
    with sqlite3.connect(ws.database) as conn:
        return conn.execute("SELECT lang, source_key, source, text, file, tool, tuid"
                            " FROM tm_entries ORDER BY lang, source_key").fetchall()


def test_a_tm_import_killed_inside_its_second_file_keeps_the_first_and_finishes_on_the_next_run(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    first = _tmx(tmp_path / "first.tmx", [(f"Harbour notice {n}", f"اطلاعیه {n}")
                                          for n in range(40)])
    second = _tmx(tmp_path / "second.tmx", [(f"Harbour notice {n}", f"آگهی {n}")
                                            for n in range(20, 60)])
    ref = twin(seeded, tmp_path, "ref")
    assert run("tm", "import", first, second, "-w", ref.root).returncode == 0
    alone = twin(seeded, tmp_path, "alone")
    assert run("tm", "import", first, "-w", alone.root).returncode == 0
    # Killed with a few entries of the second file checked, inside its transaction.
    killed("pipeline.interchange.tm:masks_lost", "tm", "import", first, second,
           "-w", seeded.root, nth=40 + 5)
    assert _memory(seeded) == _memory(alone) != _memory(ref)
    assert run("tm", "import", first, second, "-w", seeded.root).returncode == 0
    assert _memory(seeded) == _memory(ref)
    assert db_state(seeded) == db_state(ref)  # units and translations untouched throughout


def test_an_xliff_import_killed_inside_its_transaction_changes_nothing_until_run_again(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    assert run("xliff", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    xlf = seeded.root / "xliff" / "articles.fa.xlf"
    text, filled = xlf.read_text(encoding="utf-8"), 0
    while filled < 5:  # a translator fills five segments
        at = text.index('state="initial"')
        end = text.index("</source></segment>", at) + len("</source>")
        text = (text[:at] + 'state="translated"' + text[at + len('state="initial"'):end]
                + "<target>ترجمه</target>" + text[end:])
        filled += 1
    xlf.write_text(text, encoding="utf-8")
    ref = twin(seeded, tmp_path, "ref")
    proc = run("xliff", "import", ref.root / "xliff" / "articles.fa.xlf", "-w", ref.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    before = db_state(seeded)
    assert before != db_state(ref)
    # Killed with every write of the file made, before its transaction commits.
    killed("pipeline.interchange.xliff_import:clear_claims", "xliff", "import", xlf,
           "-w", seeded.root)
    assert db_state(seeded) == before
    assert run("xliff", "import", xlf, "-w", seeded.root).returncode == 0
    assert db_state(seeded) == db_state(ref)


def test_a_glossary_import_killed_before_its_commit_keeps_the_old_glossary(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    csv = seeded.root / "glossary.csv"
    csv.write_text("term,lang,translation,keep,note\nferry,fa,کشتی,no,\nHarbourNet,fa,,yes,\n",
                   encoding="utf-8")
    assert run("glossary", "import", "-w", seeded.root).returncode == 0

    def terms(ws: Settings) -> list[tuple[object, ...]]:
        with sqlite3.connect(ws.database) as conn:
            return conn.execute("SELECT term, lang, translation, do_not_translate, note"
                                " FROM glossary ORDER BY term, lang").fetchall()

    old = terms(seeded)
    csv.write_text("term,lang,translation,keep,note\nferry,fa,قایق,no,river\ndock,fa,اسکله,no,\n",
                   encoding="utf-8")
    ref = twin(seeded, tmp_path, "ref")
    assert run("glossary", "import", "-w", ref.root).returncode == 0
    # The second clock reading is the import's record, after every row is written.
    killed("pipeline.store.glossary:now", "glossary", "import", "-w", seeded.root, nth=2)
    assert terms(seeded) == old != terms(ref)
    assert run("glossary", "import", "-w", seeded.root).returncode == 0
    assert terms(seeded) == terms(ref)
