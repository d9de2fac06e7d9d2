"""A newsroom workspace driven through the real CLI, with a real (tiny) Argos package for en-fa."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from pipeline.cli import app
from tests.translate.conftest import load_builder, run_cli

STORY = """---
title: Council approves the river bridge
slug: river-bridge
date: 2024-05-01
---

The council approved the new river bridge on Monday.

Ten councillors voted for the plan and two against it.

Work starts in June and should take a year.
"""

#: What a translator writes for each English text (the test model's words are placeholders).
PERSIAN = {
    "Council approves the river bridge": "شورا پل رودخانه را تصویب کرد",
    "The council approved the new river bridge on Monday.": "شورا روز دوشنبه پل تازهٔ رودخانه را تصویب کرد.",
    "Ten councillors voted for the plan and two against it.":
        "ده عضو شورا به طرح رأی موافق و دو عضو رأی مخالف دادند.",
    "Work starts in June and should take a year.": "کار در خرداد آغاز می‌شود و یک سال طول می‌کشد.",
}


@pytest.fixture(scope="session")
def en_fa_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package directory holding one random-weight en->fa package, installed by the CLI."""
    out = tmp_path_factory.mktemp("corr-models")
    package = load_builder().build_package(out / "en_fa.argosmodel", src="en", tgt="fa", seed=7)
    packages = out / "packages"
    run_cli("models", "install", "--from-file", str(package), packages=packages)
    return packages


@dataclass
class Desk:
    """A workspace and a CLI runner: run commands, read editions."""

    root: Path
    runner: CliRunner

    def run(self, *args: str, ok: bool = True, who: str | None = None) -> Result:
        env = {"PIPELINE_REVIEWER": who} if who else {}
        result = self.runner.invoke(app, [*args, "-w", str(self.root)], env=env)
        if ok:
            assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    def json(self, *args: str, who: str | None = None) -> Any:
        return json.loads(self.run(*args, "--json", who=who).stdout)

    def edition(self, rel: str) -> str:
        return (self.root / "editions" / rel).read_text(encoding="utf-8")

    def edition_json(self, rel: str) -> Any:
        return json.loads(self.edition(rel))

    def write_story(self, text: str) -> Path:
        path = self.root / "story.md"
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def desk(tmp_path: Path, en_fa_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """A workspace (en -> fa, ar) with the story extracted, translated, approved and published."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(en_fa_dir))
    monkeypatch.delenv("PIPELINE_WORKSPACE", raising=False)
    runner = CliRunner()
    root = tmp_path / "newsroom"
    result = runner.invoke(app, ["init", str(root), "--source", "en", "--targets", "fa,ar"])
    assert result.exit_code == 0, result.output
    d = Desk(root, runner)
    d.run("extract", str(d.write_story(STORY)))
    d.run("translate", "--lang", "fa", "--quiet")
    batch = root / "decisions.jsonl"
    queue = d.json("review", "queue", "--lang", "fa")
    batch.write_text("".join(json.dumps({"unit": i["unit_id"], "action": "edit",
                                         "text": PERSIAN[i["source"]]}) + "\n" for i in queue),
                     encoding="utf-8")
    d.run("review", "apply", str(batch), "--lang", "fa", who="Mina")
    batch.write_text("".join(json.dumps({"unit": i["unit_id"], "action": "approve"}) + "\n"
                             for i in queue), encoding="utf-8")
    d.run("review", "apply", str(batch), "--lang", "fa", who="Reza")
    d.run("export", "--format", "html,json,markdown")
    yield d
