"""The README's main-job command runs end to end (offline here: it must fall back loudly)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_demo_runs_end_to_end_and_says_placeholder(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    env = {**os.environ, "PIPELINE_VENV": sys.prefix, "PYTHONPATH": str(ROOT),
           "PIPELINE_NO_INSTALL": "1"}
    env.pop("PIPELINE_WORKSPACE", None)
    env.pop("ARGOS_PACKAGES_DIR", None)
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "demo"), str(demo)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    status = subprocess.run([sys.executable, "-m", "pipeline", "status", "--json", "-w", str(demo)],
                            env=env, capture_output=True, text=True, check=True)
    report = json.loads(status.stdout)
    assert report["articles"] >= 3
    for lang in ("fa", "ar", "sq"):
        counts = report["languages"][lang]["counts"]
        assert counts["untranslated"] == 0 and counts["machine"] == report["units"]
    pages = sorted((demo / "editions" / "fa").glob("*.html"))
    assert len(pages) >= 4  # index + one page per article
    if "NO REAL TRANSLATION MODELS" in out:
        # Offline: every translated page must carry the loud placeholder notice.
        assert "placeholder" in out.lower()
        for page in pages:
            html = page.read_text(encoding="utf-8")
            assert 'dir="rtl"' in html
            assert "pipeline models install" in html, page.name
