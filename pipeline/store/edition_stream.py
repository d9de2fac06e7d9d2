"""An export worker's one read of its articles: contents, the policy's counts and the dates, together.

`editions.tallies` and the per-language part of `editions.article_dates` each read every
translation row of the articles a second and a third time, in grouped queries that cost an
export of 10,000 articles more CPU than building its pages' text from the rows; the content
stream already reads each of those rows once, so it counts and dates them on the way. The
results are those of the two queries (tests/export/test_workers.py compares them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from pipeline.models import FLAG_TEST_MODEL, Translation, Unit, UnitKind
from pipeline.store import Store
from pipeline.store.editions import (
    HUMAN_ORIGINS,
    NOTE_KIND,
    ArticleContent,
    ArticleDates,
    ArticleMeta,
    Note,
    Tally,
    content_rows,
)

_KINDS = {k.value: k for k in UnitKind}
_APPROVED = "approved"
#: Translation's fields in order. A frozen dataclass's __init__ sets each field through
#: object.__setattr__: 5 us a row, a second of an export of 10,000 articles; filling the new
#: object's __dict__ in one update gives the same object (same fields, equal) in 2.
_FIELDS = tuple(f.name for f in fields(Translation))
_new = object.__new__


_UNIT_FIELDS = tuple(f.name for f in fields(Unit))
# The shortcut skips __init__; a class that gains a __post_init__ (a check, a derived field)
# must be built through it again, so this fails at import rather than building wrong objects.
if hasattr(Translation, "__post_init__") or hasattr(Unit, "__post_init__"):
    raise TypeError("edition_stream builds Translation and Unit without their __init__")


def _translation(values: tuple[Any, ...]) -> Translation:
    tr: Translation = _new(Translation)
    tr.__dict__.update(zip(_FIELDS, values, strict=True))
    return tr


def _unit(uid: str, kind: UnitKind, text: str, position: int) -> Unit:
    """Unit(uid, kind, text, position) the same way (see _FIELDS)."""
    unit: Unit = _new(Unit)
    unit.__dict__.update(zip(_UNIT_FIELDS, (uid, kind, text, position, ()), strict=True))
    return unit


@dataclass(frozen=True)
class Tallied:
    """One article's contents, its Tally per tallied language and its dates per content language
    (only languages it has translation rows in, as `article_dates` gives them)."""

    content: ArticleContent
    tallies: dict[str, Tally]
    dates: dict[str, ArticleDates]


def _tally(total: int, groups: dict[tuple[str, bool, bool, bool, bool, bool, bool], int]) -> Tally:
    """A Tally from the rows' groups, filled in the order the grouped query returns them."""
    tally = Tally(total=total)
    for group, n in sorted(groups.items()):
        tally.add(*group, n)
    tally.count_untranslated()
    return tally


def iter_tallied(
    store: Store, metas: Sequence[ArticleMeta], langs: Sequence[str], tally_langs: Sequence[str],
    source_dates: dict[str, ArticleDates], *, span: bool = True,
) -> Iterator[Tallied]:
    """`editions.iter_contents(store, metas, langs, span=span)`, each article with
    `editions.tallies(store, tally_langs)` and the `langs` entries of
    `editions.article_dates(store, source, langs)` of it (`source_dates`: slug -> that
    function's source-edition entry, which comes from the article events, not from these rows).

    Articles without live units are not yielded (their tallies are empty, as in `tallies`).
    """
    wanted = {m.slug: m for m in metas}
    if not wanted:
        return
    content_langs = frozenset(langs)
    read_langs = tuple(dict.fromkeys((*langs, *tally_langs)))
    tallied = frozenset(tally_langs)
    rows = content_rows(store, metas, read_langs, span=span)
    flag = json.dumps(FLAG_TEST_MODEL)
    slug: str | None = None
    meta: ArticleMeta | None = None
    units: list[Unit] = []
    notes: list[Note] = []
    added: set[str] = set()
    translations: dict[str, dict[str, Translation]] = {}
    groups: dict[str, dict[tuple[str, bool, bool, bool, bool, bool, bool], int]] = {}
    # lang -> [max published_at, max corrected_at, max published_at of approved notes]
    maxima: dict[str, list[str | None]] = {}
    total = 0
    last = None
    kind = ""
    source_text = ""
    is_added = False

    def done() -> Tallied:
        assert meta is not None and slug is not None
        content = ArticleContent(meta=meta, units=tuple(units), translations=translations,
                                 added=frozenset(added), notes=tuple(notes))
        first = source_dates.get(slug)
        dates = {}
        for lang, (modified, corrected, note_at) in maxima.items():
            updated = max((x for x in (corrected, note_at) if x), default=None)
            dates[lang] = ArticleDates(first.published if first else None, updated, modified)
        return Tallied(content, {lang: _tally(total, groups.get(lang, {})) for lang in tally_langs},
                       dates)

    for r in rows:
        if r[29] != slug:
            if meta is not None:
                yield done()
            slug, last = r[29], None
            meta = wanted.get(slug)
            units, notes, added = [], [], set()
            translations = {lang: {} for lang in langs}
            groups, maxima, total = {}, {}, 0
        if meta is None:
            continue
        if r[0] != last:
            kind, source_text, is_added = r[1], r[2], bool(r[26])
            if kind == NOTE_KIND:
                notes.append(Note(r[0], r[2], r[28] or "", r[27] or "correction"))
            else:
                total += 1
                units.append(_unit(r[0], _KINDS.get(kind) or UnitKind(kind), r[2], r[3]))
                if is_added:
                    added.add(r[0])
            last = r[0]
        lang = r[4]
        if lang is None:  # (a unit and a language have one row: both tables' primary keys)
            continue
        raw_flags = r[16]
        flags = () if raw_flags in (None, "", "[]") else tuple(json.loads(raw_flags))
        status, text = r[6], r[5]
        if lang in tallied:
            # The grouped query's columns, row by row (see editions.tallies); SQLite's trim()
            # strips spaces only.
            key = (status,
                   flag in (raw_flags or "") and FLAG_TEST_MODEL in flags
                   and (r[8] or "") not in HUMAN_ORIGINS,
                   text is None or text.strip(" ") == "",
                   status != _APPROVED and (r[20] or "").strip(" ") != ""
                   and r[21] != source_text,
                   r[25] is not None, is_added, kind == NOTE_KIND)
            per = groups.setdefault(lang, {})
            per[key] = per.get(key, 0) + 1
        if lang not in content_langs:
            continue
        # max() of the per-language dates query: NULLs left out, text compared as SQLite does.
        m = maxima.get(lang)
        if m is None:
            m = maxima[lang] = [None, None, None]
        published_at, corrected_at = r[22], r[23]
        if published_at is not None and (m[0] is None or published_at > m[0]):
            m[0] = published_at
        if corrected_at is not None and (m[1] is None or corrected_at > m[1]):
            m[1] = corrected_at
        if (kind == NOTE_KIND and status == _APPROVED and published_at is not None
                and (m[2] is None or published_at > m[2])):
            m[2] = published_at
        translations[lang][r[0]] = _translation((
            r[0], lang, text, status, r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], None,
            flags, r[17], r[18], r[19], r[20], r[21], published_at, corrected_at, None,
            json.loads(r[25]) if r[25] else None,
        ))
    if meta is not None:
        yield done()
