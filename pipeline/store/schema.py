"""Tables, indexes and migrations; the schema version lives in PRAGMA user_version."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from pipeline.errors import StoreError


def _v1(db: sqlite_utils.Database) -> None:
    db.table("articles").create(
        {
            "id": str,  # slug; survives re-extraction
            "source": str,  # input path it was last extracted from
            "format": str,  # text | html | markdown
            "title": str,
            "category": str,
            "tags": str,  # JSON list
            "byline": str,
            "date_text": str,  # as printed
            "date_iso": str,
            "truncated": int,
            "captions": str,  # JSON list
            "content_hash": str,  # of the extracted units, to skip unchanged re-extraction
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"source", "title", "truncated", "created_at", "updated_at"},
        defaults={"truncated": 0, "tags": "[]", "captions": "[]", "format": "text"},
    )
    db.table("units").create(
        {
            "id": str,
            "article_id": str,
            "position": int,
            "kind": str,
            "source_text": str,
            "source_key": str,  # textnorm.fold(source_text): TM and de-duplication
            "sentences": str,  # JSON [[start, end], ...] offsets into source_text
            "obsolete": int,  # 1 when re-extraction no longer finds it (never deleted)
            "replaced_by": str,  # the unit an edited paragraph became
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "kind", "source_text", "source_key", "obsolete"},
        defaults={"obsolete": 0, "sentences": "[]"},
    )
    db.table("units").create_index(["article_id", "obsolete", "position"], index_name="units_article")
    db.table("units").create_index(["source_key"], index_name="units_source_key")
    db.table("translations").create(
        {
            "unit_id": str,
            "lang": str,
            "text": str,
            "status": str,
            "origin": str,  # mt | tm | human | po | stale
            "engine": str,  # e.g. ctranslate2
            "package": str,
            "package_version": str,
            "pivot": str,  # path used, e.g. "fa>en>sq"
            "score": float,
            "flags": str,  # JSON list, e.g. ["placeholder_lost"]
            "suggestion": str,  # text kept when the source changed (stale)
            "reason": str,  # why it was rejected
            "revision": int,  # optimistic concurrency: bumped on every change
            "translated_by": str,
            "reviewed_by": str,
            "claimed_by": str,
            "claim_expires": str,
            "created_at": str,
            "updated_at": str,
        },
        pk=("unit_id", "lang"),
        foreign_keys=[("unit_id", "units", "id")],
        not_null={"status", "revision", "created_at", "updated_at"},
        defaults={"status": "untranslated", "revision": 0, "flags": "[]"},
    )
    db.table("translations").create_index(["lang", "status", "updated_at"], index_name="tr_queue")
    db.table("translations").create_index(["claimed_by", "claim_expires"], index_name="tr_claims")
    db.table("events").create(
        {
            "id": int,
            "unit_id": str,
            "lang": str,
            "at": str,
            "who": str,
            "action": str,
            "old_status": str,
            "new_status": str,
            "old_text": str,
            "new_text": str,
            "revision": int,  # the translation's revision after the change
            "detail": str,  # JSON: provenance, reason, source of the change
        },
        pk="id",
        not_null={"unit_id", "lang", "at", "action"},
    )
    db.table("events").create_index(["unit_id", "lang", "id"], index_name="events_unit")
    db.table("glossary").create(
        {
            "id": int,
            "term": str,
            "lang": str,  # target language, or "*" for a do-not-translate term
            "translation": str,
            "do_not_translate": int,
            "note": str,
        },
        pk="id",
        not_null={"term", "lang", "do_not_translate"},
        defaults={"do_not_translate": 0},
    )
    db.table("glossary").create_index(["term", "lang"], unique=True, index_name="glossary_term")
    db.table("suppressions").create(
        {
            "unit_id": str,
            "lang": str,
            "check_id": str,
            "reason": str,
            "who": str,
            "at": str,
        },
        pk=("unit_id", "lang", "check_id"),
        not_null={"reason"},
    )


def _v2(db: sqlite_utils.Database) -> None:
    # Machine output per sentence, so a killed `pipeline translate` loses only the batch in flight
    # (sentences are committed with their batch, units when their last sentence is done), and
    # a sentence already translated by the same model and options is never decoded again.
    db.table("mt_sentences").create(
        {
            "model": str,  # engine signature: route, packages and versions, decoding options
            "source": str,  # the sentence as sent to the model (masked)
            "text": str,
            "score": float,
            "at": str,
        },
        pk=("model", "source"),
        not_null={"text"},
    )


def _v_exports(db: sqlite_utils.Database) -> None:
    # What each export (PO, XLIFF, ...) gave out, so an import can compare three ways (what
    # the file was given, the database now, the file) without trusting comments in the file,
    # which tools such as msgmerge drop. `exports` names each snapshot a file was made from
    # (as_of: the newest change it contains, written into the file's header); `exported` holds
    # each unit's text per revision given out, once however often it is exported again.
    db.table("exports").create(
        {"format": str, "lang": str, "as_of": str, "at": str},
        pk=("format", "lang", "as_of"),
        not_null={"at"},
    )
    db.table("exported").create(
        {
            "format": str,  # po, xliff, ...
            "lang": str,
            "unit_id": str,
            "revision": int,  # the translation's revision when it was given out
            "text": str,  # what the file was given (NULL: no translation yet)
            "fuzzy": int,  # 1 when given out as not checked by a person (fuzzy, needs review)
            "changed_at": str,  # the translation's updated_at at that revision ('' if none)
            "at": str,  # when it was first given out
        },
        pk=("format", "lang", "unit_id", "revision"),
        not_null={"fuzzy", "changed_at", "at"},
    )


def _v_tm(db: sqlite_utils.Database) -> None:
    # Translation memory imported from TMX files (pipeline tm import), consulted by translate
    # after the database's own approved translations. One entry per language and folded source:
    # a later import of the same source replaces it. Never changes a unit's translation.
    db.table("tm_entries").create(
        {
            "lang": str,
            "source_key": str,  # textnorm.fold(source)
            "source": str,
            "text": str,
            "file": str,  # name of the TMX file it came from
            "tool": str,  # the file's creationtool and creationtoolversion
            "tuid": str,
            "changed_at": str,  # the tu's changedate (else creationdate), as written
            "changed_by": str,
            "imported_at": str,
        },
        pk=("lang", "source_key"),
        not_null={"source", "text", "file", "imported_at"},
    )


def _v_glossary_sync(db: sqlite_utils.Database) -> None:
    # The CSV file and the table are one glossary: an import must not silently delete or
    # change terms someone added or changed in the database (`glossary add`) after the last
    # import, so rows carry when they last changed and every import is recorded.
    db.table("glossary").add_column("changed_at", str, not_null_default="")
    db.table("glossary_imports").create(
        {"id": int, "at": str, "file": str, "terms": int},
        pk="id",
        not_null={"at"},
    )


def _v_corrections(db: sqlite_utils.Database) -> None:
    # Corrections to published stories. What was last approved per unit and language stays on
    # the row (carried to the unit an edited paragraph becomes), so an edition keeps showing it
    # while the new English is translated, without reading the history at export time.
    t = db.table("translations")
    t.add_column("published_text", str)  # the last approved text
    t.add_column("published_source", str)  # the English it was approved against
    t.add_column("published_at", str)  # when it was approved (dateModified, "Updated")
    t.add_column("corrected_at", str)  # last approval that replaced an earlier approved version
    t.add_column("source_before", str)  # the English the current text was made from (stale)
    t.add_column("suggestion_meta", str)  # JSON provenance of a machine suggestion (stale)
    # A correction or update note is a unit of kind "correction" (translated like any other);
    # this says when an editor added it and what it is.
    db.table("notes").create(
        {"unit_id": str, "article_id": str, "label": str, "at": str, "who": str},
        pk="unit_id",
        foreign_keys=[("unit_id", "units", "id"), ("article_id", "articles", "id")],
        not_null={"article_id", "label", "at"},
    )
    a = db.table("articles")
    a.add_column("withdrawn_at", str)
    a.add_column("withdrawn_by", str)
    a.add_column("withdrawn_reason", str)
    # Article-level history: extractions that changed it (revisions with what changed),
    # correction notes added or removed, withdrawals and restorations.
    db.table("article_events").create(
        {
            "id": int,
            "article_id": str,
            "at": str,
            "who": str,
            "action": str,  # extracted | revised | note_added | note_removed | withdrawn | restored
            "detail": str,  # JSON: units added, removed, edited (old and new text), note, reason
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "at", "action"},
    )
    db.table("article_events").create_index(["article_id", "id"], index_name="article_events_by")
    # What is approved now was published: remember it, so an edit of the English keeps it.
    db.execute(
        "UPDATE translations SET published_text = text, published_at = updated_at,"
        " published_source = (SELECT source_text FROM units WHERE units.id = unit_id)"
        " WHERE status = 'approved' AND text IS NOT NULL"
    )


def _v_users(db: sqlite_utils.Database) -> None:
    # Accounts of the web workspace (pipeline serve). Passwords as scrypt hashes with a per-user
    # salt; API tokens and session ids only as SHA-256 hashes, so a copy of the database holds
    # nothing that signs anyone in.
    db.table("users").create(
        {
            "name": str,
            "role": str,  # translator | reviewer | editor | admin
            "languages": str,  # JSON list; [] means every target language (not for translators)
            "password": str,  # scrypt$n$r$p$salt$hash, or NULL (token-only account)
            "ui_lang": str,  # language of the interface's own words
            "created_at": str,
            "updated_at": str,
        },
        pk="name",
        not_null={"role", "languages", "created_at", "updated_at"},
        defaults={"languages": "[]"},
    )
    db.table("tokens").create(
        {"hash": str, "name": str, "created_at": str, "last_used": str},
        pk="hash", foreign_keys=[("name", "users", "name")], not_null={"name", "created_at"},
    )
    db.table("tokens").create_index(["name"], index_name="tokens_name")
    db.table("sessions").create(
        {"hash": str, "name": str, "csrf": str, "created_at": str, "expires": str},
        pk="hash", foreign_keys=[("name", "users", "name")],
        not_null={"name", "csrf", "created_at", "expires"},
    )
    db.table("sessions").create_index(["name"], index_name="sessions_name")
    # Failed sign-ins, by "name:<name>" and "addr:<client>", in the database so the limit holds
    # across server workers and restarts.
    db.table("login_failures").create({"key": str, "at": str}, not_null={"key", "at"})
    db.table("login_failures").create_index(["key", "at"], index_name="login_failures_key")


def _v_review_pages(db: sqlite_utils.Database) -> None:
    # The web review queue counts and pages from indexes alone: flagged rows (with their flags,
    # so a flag filter never reads a row) and the few obsolete units a count subtracts.
    db.execute("CREATE INDEX tr_flagged ON translations (lang, status, updated_at, flags)"
               " WHERE flags <> '[]'")
    db.execute("CREATE INDEX units_obsolete ON units (id) WHERE obsolete = 1")
    # Memory hints probe every unit with the same source text for an approved translation; a
    # boilerplate paragraph in a thousand articles is a thousand probes, cheap in this small
    # index (2 ms) and not in the primary key of every translation (30 ms).
    db.execute("CREATE INDEX tr_approved ON translations (unit_id, lang) WHERE status = 'approved'")


def _v_article_order(db: sqlite_utils.Database) -> None:
    # Exports (PO, XLIFF) list articles newest first: walked in this index's order, their units
    # come out already sorted (units_article), instead of every unit's row going through one
    # sort whose memory grows with the catalog (40 MiB more at 100k units).
    db.execute("CREATE INDEX articles_order ON articles (coalesce(date_iso, '') DESC, id)")


#: Ordered migrations; index + 1 is the schema version each one produces. Append, never edit.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1, _v2, _v_exports, _v_tm, _v_glossary_sync, _v_corrections, _v_users, _v_review_pages,
    _v_article_order,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database, *, begin: Callable[[], None] | None = None) -> int:
    """Bring the database to SCHEMA_VERSION, each step in its own transaction.

    `begin` opens a write transaction (the store's, which retries while another process
    holds the lock); plain BEGIN IMMEDIATE without it.
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this pipeline ({SCHEMA_VERSION}); "
            "upgrade pipeline"
        )
    while version < SCHEMA_VERSION:
        if begin is not None:
            begin()
        else:
            db.conn.execute("BEGIN IMMEDIATE")
        try:
            current = db.conn.execute("PRAGMA user_version").fetchone()[0]
            if current == version:  # another process may have migrated meanwhile
                MIGRATIONS[version](db)
                db.conn.execute(f"PRAGMA user_version = {version + 1}")
            db.conn.execute("COMMIT")
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        version = db.execute("PRAGMA user_version").fetchone()[0]
    return version
