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


def _catalog(path: Path, n: int) -> Path:
    lines = ['msgid ""', 'msgstr ""', '"Language: fa\\n"',
             '"Content-Type: text/plain; charset=UTF-8\\n"', '']
    for i in range(n):
        lines += [f'msgid "message number {i} with some text"',
                  f'msgstr "ترجمهٔ شمارهٔ {i} با کمی متن"', '']
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 64 KiB tmpfs (needs root; skipped otherwise), unmounted afterwards."""
    where = tmp_path / "disk"
    where.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                           capture_output=True, check=False)
    if mount.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.mark.parametrize("use_msgfmt", [True, False])
def test_full_disk_keeps_the_good_mo_and_is_an_error(tiny_disk: Path, tmp_path: Path,
                                                      use_msgfmt: bool) -> None:
    from pipeline.errors import DiskFull, InputError

    if use_msgfmt and MSGFMT is None:
        pytest.skip("GNU msgfmt not installed")
    mo = tiny_disk / "articles.mo"
    compile_catalog(_catalog(tmp_path / "small.po", 5), mo, use_msgfmt=use_msgfmt)
    good = mo.read_bytes()
    (tiny_disk / "filler").write_bytes(b"x" * 40 * 1024)  # leaves less than the new file needs
    # msgfmt exits 0 with a cut-short file (caught by the read-back); our writer meets ENOSPC.
    with pytest.raises((InputError, DiskFull), match="incomplete|cannot write") as err:
        compile_catalog(_catalog(tmp_path / "big.po", 3000), mo, use_msgfmt=use_msgfmt)
    assert str(mo) in str(err.value)  # the message names the file
    assert mo.read_bytes() == good
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["articles.mo", "filler"]


def test_a_cut_short_mo_file_is_recognised(tmp_path: Path) -> None:
    from pipeline.catalogs.mo import mo_problem

    data = mo_bytes(check_po(_catalog(tmp_path / "c.po", 50)))
    assert mo_problem(data, 51) is None  # 50 messages and the header
    assert mo_problem(data[: len(data) // 2], 51) is not None
    assert mo_problem(data[:-1], 51) is not None
    assert mo_problem(b"", 51) is not None
    assert mo_problem(data, 52) is not None
