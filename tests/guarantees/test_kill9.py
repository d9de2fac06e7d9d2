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

#: Runs `pipeline ARGS` with `MODULE:ATTR` replaced by a function that SIGKILLs the process at
#: its Nth call (ATTR may be Class.method).
_KILLER = """
import importlib, os, signal, sys
spec, n = sys.argv[1], int(sys.argv[2])
mod, attr = spec.split(":")
owner = importlib.import_module(mod)
*path, name = attr.split(".")
for part in path:
    owner = getattr(owner, part)
real, calls = getattr(owner, name), [0]
def killer(*args, **kwargs):
    calls[0] += 1
    if calls[0] >= n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(owner, name, killer)
sys.argv = ["pipeline", *sys.argv[3:]]
from pipeline.cli import main
main()
"""


def killed(at: str, *args: str | Path, nth: int = 1) -> None:
    """Run `pipeline ARGS` and SIGKILL it at the `nth` call of `at`; it must die there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_REVIEWER": "ana"}
    env.pop("PIPELINE_WORKSPACE", None)
    proc = subprocess.run([sys.executable, "-c", _KILLER, at, str(nth), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


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
            "units": conn.execute("SELECT id, article_id, source, obsolete FROM units"
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

    shutil.copytree(ws.root, tmp_path / name)
    return load(tmp_path / name)


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


def test_an_export_killed_while_renaming_its_pages_finishes_on_the_next_run(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    out = seeded.root / "editions"
    args = ("export", "-j", "1")
    units = _queue(seeded, run, 10000)
    _edit(seeded, run, tmp_path, units, "متن", approve=True)  # every Persian page published
    assert run(*args, "-w", seeded.root).returncode == 0
    before = tree(out)
    _edit(seeded, run, tmp_path, units[::3], "متن دیگر", approve=True)  # many pages change
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
