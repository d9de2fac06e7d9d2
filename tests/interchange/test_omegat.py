"""OmegaT (Debian's package, console mode) loads our TMX as a project memory and uses it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.interchange.tm import export_tm
from pipeline.store import Store
from tests.interchange.helpers import FA, seed

JAR = Path("/usr/share/omegat/OmegaT.jar")
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat><project version="1.0">
<source_dir>__DEFAULT__</source_dir><source_dir_excludes/><target_dir>__DEFAULT__</target_dir>
<tm_dir>__DEFAULT__</tm_dir><glossary_dir>__DEFAULT__</glossary_dir>
<glossary_file>__DEFAULT__</glossary_file><dictionary_dir>__DEFAULT__</dictionary_dir>
<source_lang>EN</source_lang><target_lang>FA-IR</target_lang>
<source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
<target_tok>org.omegat.tokenizer.LucenePersianTokenizer</target_tok>
<sentence_seg>false</sentence_seg><support_default_translations>true</support_default_translations>
<remove_tags>false</remove_tags></project></omegat>
"""


@pytest.mark.skipif(not JAR.is_file() or shutil.which("java") is None,
                    reason="OmegaT is not installed (apt-get install omegat)")
def test_omegat_fills_a_project_from_our_tmx(store: Store, tmp_path: Path) -> None:
    seed(store)
    project = tmp_path / "omegat"
    for d in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / d).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    # tm/auto: OmegaT inserts exact matches from these memories as translations.
    export_tm(store, project / "tm" / "auto" / "ours.tmx", ("fa",), source="en",
              tags={"fa": "fa-IR"})
    (project / "source" / "story.txt").write_text(
        "Peace talks resume\n\nSomething nobody translated.\n", encoding="utf-8")
    proc = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(JAR), str(project),
         "--mode=console-translate", f"--config-dir={tmp_path / 'config'}",
         "--disable-project-locking", "--no-team"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Reading of TMX file complete" in proc.stdout + proc.stderr
    out = (project / "target" / "story.txt").read_text(encoding="utf-8")
    assert out.splitlines()[0] == FA[0]
    assert "Something nobody translated." in out
