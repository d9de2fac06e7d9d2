"""Extraction on public pages of other sites (not in the repository): skipped unless given.

Set PIPELINE_PUBLIC_PAGES to a directory scripts/eval_public.py reads (for example the tests/
directory of a clone of github.com/adbar/trafilatura, with evaldata.json).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_html_path_scores_at_least_plain_trafilatura() -> None:
    where = os.environ.get("PIPELINE_PUBLIC_PAGES")
    if not where or not Path(where).is_dir():
        pytest.skip("PIPELINE_PUBLIC_PAGES not set to a directory of public pages")
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_public.py"), where,
                          "--limit", "60", "--json"], capture_output=True, text=True,
                         timeout=600, check=True)
    scores = json.loads(out.stdout)
    ours, base = scores["html ours, captions left out"], scores["html trafilatura.extract"]
    assert ours["f1"] >= base["f1"] - 0.01
    assert ours["failed"] <= base["failed"]
