"""The editions' own words: gettext catalogs from locales/, compiled .mo or the .po read on the fly."""

from __future__ import annotations

import gettext
import io
import logging
from functools import lru_cache
from pathlib import Path

from pipeline.errors import InputError

log = logging.getLogger(__name__)

#: The product's catalogs (not the workspace's article catalogs): <project>/locales.
LOCALES = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"


def catalog_paths(lang: str, root: Path = LOCALES) -> tuple[Path, Path]:
    """The .po and .mo file of a language's edition strings."""
    base = root / lang / "LC_MESSAGES" / DOMAIN
    return base.with_suffix(".po"), base.with_suffix(".mo")


def has_catalog(lang: str, root: Path = LOCALES) -> bool:
    """True when the edition strings are translated into `lang`."""
    po, mo = catalog_paths(lang, root)
    return po.is_file() or mo.is_file()


@lru_cache(maxsize=16)
def translations(lang: str, root: Path = LOCALES) -> gettext.NullTranslations:
    """The edition strings for `lang`.

    Uses the compiled .mo (scripts/compile_locales) when it is at least as new as the .po;
    otherwise compiles the .po in memory with Babel, so a fresh checkout works without a build
    step. A language without a catalog gets the English strings (the caller reports it).
    """
    po, mo = catalog_paths(lang, root)
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            try:
                return gettext.GNUTranslations(fh)
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"unreadable compiled catalog ({exc}); run scripts/compile_locales",
                                 path=mo) from None
    if po.is_file():
        return _compile_po(po, lang)
    log.warning("no edition strings for %s in %s; using English", lang, root)
    return gettext.NullTranslations()


def _compile_po(po: Path, lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read the edition strings ({exc}); fix the file and run "
                         "scripts/compile_locales", path=po) from None
    buf = io.BytesIO()
    write_mo(buf, catalog)  # fuzzy entries are left out, like msgfmt does
    buf.seek(0)
    return gettext.GNUTranslations(buf)
