"""The README's transition table says exactly what pipeline/states.py allows."""

from __future__ import annotations

from pathlib import Path

from pipeline.states import TRANSITIONS, Action, Status

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_transition_table_matches_states() -> None:
    text = README.read_text(encoding="utf-8").split("## Review", 1)[1].split("\n## ", 1)[0]
    all_lines = text.splitlines()
    start = next(i for i, ln in enumerate(all_lines) if ln.startswith("| "))
    lines = []  # the first table of the section (the section has others further down)
    for ln in all_lines[start:]:
        if not ln.startswith("|"):
            break
        if ln.startswith("| "):
            lines.append(ln)
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[2:] == [s.value for s in Status]
    table = {}
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        table[Action(cells[0].strip("`"))] = cells[2:]
    assert set(table) == set(Action)
    for action, cells in table.items():
        expected = [TRANSITIONS[action].get(s, "—") for s in Status]
        assert cells == [str(e) for e in expected], action
