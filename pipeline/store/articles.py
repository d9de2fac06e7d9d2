"""Articles and their units: saving an extraction, reading articles back."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from rapidfuzz.distance import Indel

from pipeline.errors import NotFound
from pipeline.models import BODY_KINDS, Article, Unit, UnitKind
from pipeline.states import Action, Status
from pipeline.store import Store, now, revisions
from pipeline.store import translations as tr
from pipeline.store.gc_pause import cycle_collector_paused
from pipeline.textnorm import fold


@dataclass(frozen=True)
class SaveResult:
    """What saving one article changed."""

    slug: str
    added: int
    kept: int
    obsoleted: int
    unchanged: bool
    carried: int = 0  # translations carried from an edited unit to its new text, as stale
    skipped: bool = False  # a teaser (or shorter copy) not allowed to replace what is stored


#: Least similarity for a new unit to count as an edit of a removed one: the Indel similarity
#: 2 * (longest common subsequence) / (total length) of the folded texts, difflib's ratio made
#: exact (and ~5000x faster, in C++).
#: 0.5 keeps a reworded sentence paired and treats an unrelated new paragraph as new.
EDIT_SIMILARITY = 0.5
_BODY = {str(k) for k in BODY_KINDS}


def content_hash(article: Article) -> str:
    """A digest of everything stored about the article, to skip unchanged re-extraction."""
    payload = json.dumps(
        [article.title, article.category, list(article.tags), article.byline, article.date,
         article.date_iso, article.truncated, list(article.captions),
         [(u.id, u.kind, u.text, u.position, list(map(list, u.sentences))) for u in article.units]],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _weight(truncated: bool, body_chars: int) -> tuple[int, int]:
    """How complete a version is: a full article beats a teaser, then more body text wins."""
    return (0 if truncated else 1, body_chars)


# A 10k-unit article is tens of thousands of rows, tuples and strings alive at once; with the
# collector on, 100k units took 20% more CPU (first save and re-save of scripts/bench_store.py).
@cycle_collector_paused()
def save_article(
    store: Store, article: Article, langs: Sequence[str], *, who: str | None = "extract"
) -> SaveResult:
    """Insert or update one article and its units in one transaction.

    New units get `untranslated` rows in `langs`; units no longer present are marked obsolete
    (never deleted, their translations stay). A new unit that is an edit of a removed one gets
    the removed unit's translations as `stale`, the old text kept as the suggestion, through
    `translations.change` so the history shows it. The same article from another page (a
    listing) replaces the stored one only if it is at least as complete: a teaser never
    overwrites the full text. Re-saving identical content changes nothing.
    """
    digest = content_hash(article)
    ts = now()
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT content_hash, source, truncated FROM articles WHERE id = ?", (article.slug,)
        ).fetchone()
        if row is not None and row[0] == digest:
            return SaveResult(article.slug, 0, len(article.units), 0, True)
        if row is not None and row[1] != article.source:
            stored_chars = conn.execute(
                "SELECT coalesce(sum(length(source_text)), 0) FROM units WHERE article_id = ?"
                f" AND obsolete = 0 AND kind IN ({','.join('?' * len(_BODY))})",
                (article.slug, *sorted(_BODY)),
            ).fetchone()[0]
            new_chars = sum(len(u.text) for u in article.units if u.kind in BODY_KINDS)
            if _weight(article.truncated, new_chars) < _weight(bool(row[2]), stored_chars):
                return SaveResult(article.slug, 0, 0, 0, True, skipped=True)
        conn.execute(
            "INSERT INTO articles (id, source, format, title, category, tags, byline, date_text,"
            " date_iso, truncated, captions, content_hash, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
            " source=excluded.source, format=excluded.format, title=excluded.title,"
            " category=excluded.category, tags=excluded.tags, byline=excluded.byline,"
            " date_text=excluded.date_text, date_iso=excluded.date_iso,"
            " truncated=excluded.truncated, captions=excluded.captions,"
            " content_hash=excluded.content_hash, updated_at=excluded.updated_at",
            (article.slug, article.source, article.format, article.title, article.category,
             json.dumps(list(article.tags), ensure_ascii=False), article.byline, article.date,
             article.date_iso, int(article.truncated),
             json.dumps(list(article.captions), ensure_ascii=False), digest, ts, ts),
        )
        existing = {
            r[0]: r[1:]
            for r in conn.execute(
                # Correction notes are units an editor added, not extracted: never obsoleted here.
                "SELECT id, obsolete, kind, source_text, position, sentences, replaced_by"
                " FROM units WHERE article_id = ? AND kind != 'correction'",
                (article.slug,),
            )
        }
        new_units = [u for u in article.units if u.id not in existing]
        rows = []
        for u in article.units:
            kind, spans = str(u.kind), _spans_json(u.sentences)
            old = existing.get(u.id)
            # A kept unit whose row would not change is not written again: on a re-extract
            # most units are kept, and rewriting them was most of its SQLite time.
            if old is not None and not old[0] and old[1] == kind and old[3] == u.position \
                    and old[4] == spans and old[5] is None:
                continue
            rows.append((u.id, article.slug, u.position, kind, u.text, fold(u.text), spans, ts,
                         ts))
        conn.executemany(
            "INSERT INTO units (id, article_id, position, kind, source_text, source_key,"
            " sentences, obsolete, created_at, updated_at) VALUES (?,?,?,?,?,?,?,0,?,?)"
            " ON CONFLICT(id) DO UPDATE SET position=excluded.position, kind=excluded.kind,"
            " sentences=excluded.sentences, obsolete=0, replaced_by=NULL,"
            " updated_at=excluded.updated_at",
            rows,
        )
        present = {u.id for u in article.units}
        gone = [uid for uid, old in existing.items() if uid not in present and not old[0]]
        conn.executemany(
            "UPDATE units SET obsolete = 1, updated_at = ? WHERE id = ?", [(ts, g) for g in gone]
        )
        _ensure_rows(store, article, langs, [r[0] for r in rows])
        pairs = pair_edits([Gone(g, *existing[g][1:4]) for g in gone], new_units)
        conn.executemany("UPDATE units SET replaced_by = ? WHERE id = ?",
                         [(new.id, old_id) for old_id, new in pairs])
        carried = _carry(store, pairs, {g: existing[g][2] for g, _ in pairs}, langs, who=who)
        revisions.record_revision(
            store, article.slug,
            revisions.from_pairing(first=row is None, new_units=new_units,
                                   gone=[(g, existing[g][2]) for g in gone], pairs=pairs),
            who=who, at=ts)
    return SaveResult(article.slug, len(new_units), len(present) - len(new_units), len(gone),
                      False, carried=carried)


def _ensure_rows(store: Store, article: Article, langs: Sequence[str],
                 written: list[str]) -> None:
    """Every unit of the saved article has a translation row in each of `langs`.

    Rows are inserted for the units just written; the kept ones are only counted (a fourth of
    the cost of inserting them with OR IGNORE) and get rows when some are missing, as when
    the workspace gained a language since the article was last saved.
    """
    tr.ensure_rows(store, langs, written)
    kept = len(article.units) - len(written)
    langs = list(dict.fromkeys(langs))
    if kept <= 0 or not langs:
        return
    have = store.conn.execute(
        "SELECT count(*) FROM units u JOIN translations t ON t.unit_id = u.id"
        " WHERE u.article_id = ? AND u.obsolete = 0 AND u.kind != 'correction'"
        f" AND t.lang IN ({','.join('?' * len(langs))})", (article.slug, *langs)).fetchone()[0]
    if have != len(article.units) * len(langs):
        tr.ensure_rows(store, langs, [u.id for u in article.units])


def _spans_json(spans: tuple[tuple[int, int], ...]) -> str:
    """`[[0, 12], [13, 40]]`: what json.dumps gives for the sentence offsets, built directly
    (json.dumps per unit was a fifth of save_article's time)."""
    return "[" + ", ".join(f"[{a}, {b}]" for a, b in spans) + "]"


def _group(kind: str) -> str:
    return "body" if kind in _BODY else kind


#: Removed units compared in full (edit similarity) with each new unit, at most: the ones sharing the
#: most word pairs with it, plus its neighbours by order. Bounds the work per unit, so pairing is
#: linear in the article's size. 8 found every pair the all-pairs search found on the corpus
#: re-extraction tests and the 20%-edited articles of scripts/bench_store.py.
MAX_CANDIDATES = 8
#: A word pair shared by more removed units than this (boilerplate phrases) picks no candidates.
MAX_POSTING = 64
#: Votes counted per new unit, at most, from its rarest word pairs on. Without a bound, the
#: work per unit grew with the article (each word pair's list of removed units is longer):
#: pairing 10k-unit articles took 25x the time of 1k-unit ones. 128 finds every pair the
#: all-pairs search finds in tests/test_store_pairing.py and in the edited articles of
#: scripts/bench_store.py (checked there with --check-pairs).
VOTE_BUDGET = 128


@dataclass(frozen=True)
class Gone:
    """A unit no longer in the article, as the pairing needs it."""

    id: str
    kind: str
    text: str
    position: int


def _shingles(folded: str) -> set[str]:
    """Cheap similarity keys: word pairs (and the words of a text of three words or fewer)."""
    words = folded.split()
    keys = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    if len(words) <= 3:
        keys.update(words)
    return keys


def pair_edits(gone: Sequence[Gone], new_units: Sequence[Unit]) -> list[tuple[str, Unit]]:
    """Which removed unit became which new unit: (removed unit id, new unit), most similar first.

    A pair is an edit when the similarity of the folded texts is at least EDIT_SIMILARITY, in
    the same kind group (body kinds together; title, caption, byline each alone). Each unit is
    in at most one pair, the most similar pairs winning. Candidates come from cheap keys first
    (shared word pairs, order in the article), at most MAX_CANDIDATES + 2 per new unit.
    """
    if not gone or not new_units:
        return []
    g_fold = [fold(g.text) for g in gone]
    index: dict[tuple[str, str], list[int]] = {}
    for gi, g in enumerate(gone):
        grp = _group(g.kind)
        for key in _shingles(g_fold[gi]):
            index.setdefault((grp, key), []).append(gi)
    g_rank = sorted(range(len(gone)), key=lambda i: gone[i].position)
    n_rank = sorted(range(len(new_units)), key=lambda i: new_units[i].position)
    rank_of_new = {ni: r for r, ni in enumerate(n_rank)}
    scored: list[tuple[float, int, int]] = []
    for ni, unit in enumerate(new_units):
        grp = _group(str(unit.kind))
        folded = fold(unit.text)
        postings = [p for p in (index.get((grp, key)) for key in _shingles(folded))
                    if p is not None and len(p) <= MAX_POSTING]
        # Rarest keys first (they tell units apart), and no more than VOTE_BUDGET votes: a
        # bigger article makes every key's list longer, which must not make each unit's
        # search longer too.
        postings.sort(key=len)
        take, budget = 0, VOTE_BUDGET
        while take < len(postings) and budget > 0:
            budget -= len(postings[take])
            take += 1
        # Counted and ranked in C, ties in first-seen order as heapq.nlargest had them: once
        # an article is big enough to fill the budget, counting vote by vote and nlargest's
        # Python heap were most of the pairing's time.
        votes = Counter(chain.from_iterable(postings[:take]))
        cands = sorted(votes, key=votes.__getitem__, reverse=True)[:MAX_CANDIDATES]
        r = rank_of_new[ni] * len(gone) // len(new_units)
        cands.extend(g_rank[k] for k in (r, r + 1) if k < len(g_rank))
        for gi in dict.fromkeys(cands):
            if _group(gone[gi].kind) != grp:
                continue
            ratio = Indel.normalized_similarity(g_fold[gi], folded, score_cutoff=EDIT_SIMILARITY)
            if ratio >= EDIT_SIMILARITY:
                scored.append((ratio, gi, ni))
    pairs: list[tuple[str, Unit]] = []
    used_g: set[int] = set()
    used_n: set[int] = set()
    for _, gi, ni in sorted(scored, key=lambda x: (-x[0], x[1], x[2])):
        if gi in used_g or ni in used_n:
            continue
        used_g.add(gi)
        used_n.add(ni)
        pairs.append((gone[gi].id, new_units[ni]))
    return pairs


#: Columns of a translation an edited unit takes over from the unit it replaces.
_CARRIED = ("text", "status", "origin", "engine", "package", "package_version", "pivot", "score",
            "flags", "translated_by", "reviewed_by", "published_text", "published_source",
            "published_at", "corrected_at")
_AT = {c: i for i, c in enumerate(_CARRIED, 1)}  # after source_before in the rows _carry reads
#: Unit ids per IN (...) list (SQLite allows 32766 parameters; a few hundred is as fast).
_CHUNK = 400


def _carry(store: Store, pairs: Sequence[tuple[str, Unit]], old_source: dict[str, str],
           langs: Sequence[str], *, who: str | None) -> int:
    """Give each new unit of `pairs` the translations of the unit it replaces as stale
    suggestions, through `translations.change_many` (one event each); returns how many.

    A translation is carried when the old unit has text in that language (not untranslated)
    and the new unit's row is untouched (revision 0). The rows are read a chunk of units at a
    time: on a re-extract of a big article, one read per unit and language was most of it.
    """
    langs = list(dict.fromkeys(langs))
    if not pairs or not langs:
        return 0
    conn = store.conn
    marks = ",".join("?" * len(langs))
    olds: dict[tuple[str, str], tuple[Any, ...]] = {}
    fresh: dict[tuple[str, str], int] = {}  # the new units' untouched rows, by rowid
    for i in range(0, len(pairs), _CHUNK):
        chunk = pairs[i:i + _CHUNK]
        ids = ",".join("?" * len(chunk))
        for row in conn.execute(
                f"SELECT unit_id, lang, source_before, {', '.join(_CARRIED)} FROM translations"
                f" WHERE unit_id IN ({ids}) AND lang IN ({marks}) AND text IS NOT NULL"
                " AND status != ?",
                (*(old for old, _ in chunk), *langs, Status.UNTRANSLATED)):
            olds[(row[0], row[1])] = row[2:]
        if olds:
            fresh.update(((u, lang), rowid) for u, lang, rowid in conn.execute(
                f"SELECT unit_id, lang, rowid FROM translations WHERE unit_id IN ({ids})"
                f" AND lang IN ({marks}) AND revision = 0",
                (*(new.id for _, new in chunk), *langs)))
    copies: list[tuple[Any, ...]] = []
    changes: list[tr.Change] = []
    for old_id, new in pairs:
        for lang in langs:
            old = olds.get((old_id, lang))
            rowid = fresh.get((new.id, lang))
            if old is None or rowid is None:
                continue
            source_before, text, status = old[0], old[1], old[2]
            # Copy the old row's state to the new unit, then mark it stale with the event
            # that records where it came from; text and suggestion both keep the old
            # translation. What was last approved travels with it, so editions keep it while
            # the change is translated; `source_before` is the English the carried text was
            # made from (for the word diff).
            made_from = source_before if status == Status.STALE and source_before \
                else old_source[old_id]
            copies.append((*old[1:], made_from, rowid, new.id, lang))
            changes.append(tr.Change(
                new.id, lang, Action.SOURCE_CHANGED, who=who,
                detail={"from_unit": old_id, "old_source": old_source[old_id],
                        "new_source": new.text, "old_status": status},
                fields={"suggestion": text, "origin": "stale"},
                # The row as the copy below leaves it (its revision is checked all the same).
                read=tr.Read(status, text, 0, old[_AT["translated_by"]] is not None
                             or old[_AT["published_text"]] is not None, rowid)))
    if copies:
        conn.executemany(
            f"UPDATE translations SET {', '.join(f'{c} = ?' for c in _CARRIED)},"
            " source_before = ?, suggestion_meta = NULL"
            " WHERE rowid = ? AND unit_id = ? AND lang = ? AND revision = 0", copies)
        tr.change_many(store, changes)
    return len(changes)


def _unit(row: dict[str, Any]) -> Unit:
    return Unit(
        id=row["id"], kind=UnitKind(row["kind"]), text=row["source_text"],
        position=row["position"],
        sentences=tuple(tuple(s) for s in json.loads(row["sentences"] or "[]")),
    )


def load_article(store: Store, slug: str) -> Article:
    """An article with its live units in order; NotFound if there is no such slug."""
    rows = list(store.db.query("SELECT * FROM articles WHERE id = ?", [slug]))
    if not rows:
        raise NotFound(f"no article {slug!r} (see `pipeline status`)")
    a = rows[0]
    units = tuple(
        _unit(r)
        for r in store.db.query(
            "SELECT * FROM units WHERE article_id = ? AND obsolete = 0 ORDER BY position", [slug]
        )
    )
    return Article(
        slug=a["id"], source=a["source"], title=a["title"], units=units, category=a["category"],
        tags=tuple(json.loads(a["tags"] or "[]")), byline=a["byline"], date=a["date_text"],
        date_iso=a["date_iso"], truncated=bool(a["truncated"]),
        captions=tuple(json.loads(a["captions"] or "[]")), format=a["format"] or "text",
    )


def article_slugs(store: Store) -> list[str]:
    """All article slugs, newest date first, then by slug."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM articles ORDER BY coalesce(date_iso, '') DESC, id"
        )
    ]


def article_exists(store: Store, slug: str) -> bool:
    """True when an article with this slug is stored."""
    return store.conn.execute("SELECT 1 FROM articles WHERE id = ?", (slug,)).fetchone() is not None


def unit_ids(store: Store, slug: str, *, include_obsolete: bool = False) -> list[str]:
    """The article's unit ids in reading order (obsolete ones too when asked)."""
    where = "" if include_obsolete else " AND obsolete = 0"
    return [r[0] for r in store.conn.execute(
        f"SELECT id FROM units WHERE article_id = ?{where} ORDER BY position, created_at", (slug,))]
