"""Guarantee: human text is never overwritten by a machine, and a conflict is reported, never applied."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.store import open_store
from pipeline.store import translations as tr
from pipeline.workspace import Settings
from tests.guarantees.conftest import Run
from tests.translate.conftest import installed_dir, model_files  # noqa: F401 - fixtures


def _queue(ws: Settings, run: Run) -> list[dict[str, object]]:
    proc = run("review", "queue", "--lang", "fa", "--json", "--limit", "100", "-w", ws.root)
    assert proc.returncode == 0, proc.stderr
    return list(json.loads(proc.stdout))


def _get(ws: Settings, uid: str) -> tr.Translation:
    with open_store(ws.database) as store:
        return tr.get(store, uid, "fa")


def test_translate_never_replaces_text_a_person_wrote_or_approved(
    seeded: Settings, run: Run, installed_dir: Path  # noqa: F811 - the fixture
) -> None:
    units = [str(u["unit_id"]) for u in _queue(seeded, run)]
    edited, approved = units[0], units[1]
    assert run("review", "edit", edited, "--lang", "fa", "--text", "متن مینا",
               "-w", seeded.root).returncode == 0
    assert run("review", "edit", approved, "--lang", "fa", "--text", "تایید شده",
               "-w", seeded.root).returncode == 0
    assert run("review", "approve", approved, "--lang", "fa", "--reviewer", "reza",
               "-w", seeded.root).returncode == 0
    before = {u: _get(seeded, u) for u in (edited, approved)}
    proc = run("translate", "--lang", "fa", "--beam", "1", "-w", seeded.root,
               env={"ARGOS_PACKAGES_DIR": str(installed_dir)}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    for u, t in before.items():
        assert _get(seeded, u) == t
    assert _get(seeded, units[2]).status == "machine"


def test_a_batch_with_one_stale_revision_applies_nothing(seeded: Settings, run: Run,
                                                         tmp_path: Path) -> None:
    a, b = (str(u["unit_id"]) for u in _queue(seeded, run)[:2])
    assert run("review", "edit", b, "--lang", "fa", "--text", "نسخه ۱",
               "-w", seeded.root).returncode == 0
    batch = tmp_path / "d.jsonl"
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (
        {"unit": a, "action": "edit", "text": "الف"},
        {"unit": b, "action": "edit", "text": "ب", "revision": 0},  # read before the edit
    )) + "\n", encoding="utf-8")
    proc = run("review", "apply", batch, "--lang", "fa", "-w", seeded.root)
    assert proc.returncode == 1 and f"{batch}:2" in proc.stderr
    assert _get(seeded, a).text is None and _get(seeded, b).text == "نسخه ۱"


def test_a_po_entry_edited_after_a_newer_database_edit_is_a_conflict(
    seeded: Settings, run: Run
) -> None:
    uid = str(_queue(seeded, run)[0]["unit_id"])
    assert run("review", "edit", uid, "--lang", "fa", "--text", "اول",
               "-w", seeded.root).returncode == 0
    assert run("po", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    assert run("review", "edit", uid, "--lang", "fa", "--text", "دوم",
               "-w", seeded.root).returncode == 0
    po = seeded.locales / "fa" / "LC_MESSAGES" / "articles.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "اول"' in text
    po.write_text(text.replace('msgstr "اول"', 'msgstr "سوم"'), encoding="utf-8")
    proc = run("po", "import", po, "-w", seeded.root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _get(seeded, uid).text == "دوم"
