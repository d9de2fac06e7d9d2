"""The editions' own words: catalogs complete, valid for msgfmt, in sync with the templates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from pipeline import languages
from pipeline.errors import InputError
from pipeline.export import i18n
from tests.conftest import ROOT

LANGS = ("fa", "ar", "sq")


def _template_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_pot_is_in_sync_with_the_templates() -> None:
    with (ROOT / "locales" / "messages.pot").open("rb") as fh:
        pot = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id}
    assert pot == _template_msgids(), "run: pybabel extract -F babel.cfg -o locales/messages.pot ."


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_with_the_pinned_plural_forms(lang: str) -> None:
    po, _ = i18n.catalog_paths(lang)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    assert catalog.num_plurals == languages.nplurals(lang)
    assert catalog.plural_forms == languages.plural_forms(lang)
    msgids = _template_msgids()
    seen = set()
    for msg in catalog:
        if not msg.id:
            continue
        key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        seen.add(key)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        assert all(strings) and not msg.fuzzy, f"{lang}: {key!r} is not translated"
        assert len(strings) == (catalog.num_plurals if isinstance(msg.id, tuple) else 1)
        assert all(s != key for s in strings), f"{lang}: {key!r} is left in English"
    assert msgids <= seen


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt (gettext) is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_catalog_passes_msgfmt_check(lang: str, tmp_path: Path) -> None:
    po, _ = i18n.catalog_paths(lang)
    proc = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(po)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_po_is_read_when_no_mo_is_compiled(tmp_path: Path) -> None:
    src, _ = i18n.catalog_paths("ar")
    dst = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    dst.parent.mkdir(parents=True)
    shutil.copy(src, dst)
    t = i18n.translations("ar", tmp_path)
    assert t.gettext("Editions") == i18n.translations("ar").gettext("Editions") != "Editions"
    # Arabic has six plural forms: two articles take the dual, not the number.
    assert t.ngettext("%(number)s article", "%(number)s articles", 2) != t.ngettext(
        "%(number)s article", "%(number)s articles", 5)


def test_malformed_po_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "fa" / "LC_MESSAGES" / "messages.po"
    bad.parent.mkdir(parents=True)
    bad.write_text('msgid "x"\nmsgstr "y"\nthis is not gettext\n', encoding="utf-8")
    with pytest.raises(InputError, match="messages.po"):
        i18n.translations("fa", tmp_path)


def test_language_without_catalog_falls_back_to_english(tmp_path: Path) -> None:
    assert not i18n.has_catalog("de", tmp_path)
    assert i18n.translations("de", tmp_path).gettext("Editions") == "Editions"
