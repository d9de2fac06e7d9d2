"""MO compile: our writer matches GNU msgfmt byte for byte; gettext reads the result."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs.export import catalog_path, export_catalogs
from pipeline.catalogs.mo import compile_catalog, mo_bytes
from pipeline.catalogs.pofile import check_po
from pipeline.store import Store
from pipeline.workspace import Settings
from tests.catalogs.helpers import seed

MSGFMT = shutil.which("msgfmt")


def po_file(store: Store, workspace: Settings) -> Path:
    export_catalogs(store, ["fa"], workspace.locales, project="newsroom")
    return catalog_path(workspace.locales, "fa")


def test_own_writer_output_is_read_by_gettext(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    po = po_file(store, workspace)
    result = compile_catalog(po, po.with_suffix(".mo"), use_msgfmt=False)
    assert result.tool == "pipeline" and result.messages == 2  # header + the approved unit
    with po.with_suffix(".mo").open("rb") as fh:
        cat = gettext.GNUTranslations(fh)
    assert cat.pgettext(ids[1], "The talks resumed on Monday in Geneva.") == \
        "مذاکرات دوشنبه در ژنو ادامه یافت."
    # Fuzzy machine output is not compiled: gettext falls back to the source.
    assert cat.pgettext(ids[0], "Peace talks resume") == "Peace talks resume"


@pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt not installed")
def test_own_writer_matches_msgfmt_byte_for_byte(store: Store, workspace: Settings,
                                                 tmp_path: Path) -> None:
    seed(store)
    po = po_file(store, workspace)
    assert MSGFMT is not None
    subprocess.run([MSGFMT, "--no-hash", "-o", str(tmp_path / "ref.mo"), str(po)], check=True)
    assert mo_bytes(check_po(po)) == (tmp_path / "ref.mo").read_bytes()


@pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt not installed")
def test_compile_with_msgfmt_writes_the_mo(store: Store, workspace: Settings) -> None:
    seed(store)
    po = po_file(store, workspace)
    result = compile_catalog(po, po.with_suffix(".mo"))
    assert result.tool == "msgfmt" and po.with_suffix(".mo").read_bytes()[:4] == b"\xde\x12\x04\x95"
