"""PO export of stale units: fuzzy, with the English they were made from as gettext's #| msgid."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs.export import catalog_path, export_catalogs, template_path
from pipeline.catalogs.pofile import load_po
from pipeline.store import Store
from pipeline.store import mt as store_mt
from pipeline.store.mt import MachineResult
from pipeline.workspace import Settings
from tests.factories import publish_and_edit

OLD = "The council voted ten to two.\nThe mayor abstained."
NEW = "The council voted eleven to two.\nThe mayor abstained."
PARTS = [("title", "Budget vote"), ("paragraph", OLD)]
FA = ["رأی بودجه", "شورا با ده رأی موافق و دو مخالف رأی داد.\nشهردار رأی ممتنع داد."]


@pytest.fixture
def catalog(store: Store, workspace: Settings) -> Path:
    uid = publish_and_edit(store, "budget", PARTS, "fa", FA, {OLD: NEW})[OLD]
    store_mt.write_machine(store, [MachineResult(uid, "fa", "پیشنهاد ماشین", origin="mt",
                                                 engine="ctranslate2")], who="machine")
    export_catalogs(store, ["fa"], workspace.locales, project="newsroom")
    return catalog_path(workspace.locales, "fa")


def test_stale_entry_is_fuzzy_with_the_previous_msgid(catalog: Path) -> None:
    entry = next(e for e in load_po(catalog) if e.msgid == NEW)  # pipeline's strict reader
    assert entry.fuzzy and entry.previous_msgid == OLD and entry.msgstr == FA[1]
    assert any("machine suggestion for the new source: پیشنهاد ماشین" in c
               for c in entry.comment.splitlines())
    approved = next(e for e in load_po(catalog) if e.msgid == "Budget vote")
    assert not approved.fuzzy and approved.previous_msgid is None
    text = catalog.read_text(encoding="utf-8")
    assert '#| msgid ""\n#| "The council voted ten to two.\\n"\n#| "The mayor abstained."\n' in text


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext not installed")
def test_gettext_accepts_and_keeps_the_previous_msgid(catalog: Path, workspace: Settings) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalog)], check=True)
    merged = subprocess.run(["msgmerge", "--previous", "--quiet", "-o", "-", str(catalog),
                             str(template_path(workspace.locales))],
                            check=True, capture_output=True, text=True).stdout
    assert '#| "The council voted ten to two.\\n"' in merged
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(catalog)], check=True,
                           capture_output=True, text=True).stdout
    assert '#| "The council voted ten to two.\\n"' in fuzzy
