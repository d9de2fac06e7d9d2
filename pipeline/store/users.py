"""Queries for accounts: users, API token hashes, server-side sessions and failed sign-ins."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.errors import NotFound, UsageError
from pipeline.store import Store, now


@dataclass(frozen=True)
class UserRow:
    """One account as stored (the password hash stays in the store layer and accounts)."""

    name: str
    role: str
    languages: tuple[str, ...]
    password: str | None
    ui_lang: str | None
    created_at: str
    updated_at: str


_COLS = "name, role, languages, password, ui_lang, created_at, updated_at"


def _row(r: Sequence[object]) -> UserRow:
    return UserRow(name=str(r[0]), role=str(r[1]), languages=tuple(json.loads(str(r[2]) or "[]")),
                   password=r[3] if r[3] is None else str(r[3]),
                   ui_lang=r[4] if r[4] is None else str(r[4]),
                   created_at=str(r[5]), updated_at=str(r[6]))


def add(store: Store, name: str, role: str, languages: Sequence[str], password: str | None,
        ui_lang: str | None = None) -> UserRow:
    """Create an account; UsageError when the name is taken."""
    ts = now()
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UsageError(f"user {name!r} already exists (change it with `pipeline users passwd`"
                             " or remove it first)")
        conn.execute(f"INSERT INTO users ({_COLS}) VALUES (?,?,?,?,?,?,?)",
                     (name, role, json.dumps(list(languages)), password, ui_lang, ts, ts))
    return get(store, name)


def get(store: Store, name: str) -> UserRow:
    """One account; NotFound when there is none."""
    found = find(store, name)
    if found is None:
        raise NotFound(f"no user {name!r} (see `pipeline users list`)")
    return found


def find(store: Store, name: str) -> UserRow | None:
    """One account, or None."""
    r = store.conn.execute(f"SELECT {_COLS} FROM users WHERE name = ?", (name,)).fetchone()
    return None if r is None else _row(r)


def all_users(store: Store) -> list[UserRow]:
    """Every account, by name."""
    return [_row(r) for r in store.conn.execute(f"SELECT {_COLS} FROM users ORDER BY name")]


def update(store: Store, name: str, **fields: object) -> UserRow:
    """Change stored fields of one account (role, languages, password, ui_lang)."""
    allowed = {"role", "languages", "password", "ui_lang"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"unknown user fields {sorted(bad)}")
    values = {k: (json.dumps(list(v)) if k == "languages" else v)  # type: ignore[call-overload]
              for k, v in fields.items()}
    with store.transaction() as conn:
        sets = ", ".join(f"{k} = ?" for k in values)
        cur = conn.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE name = ?",
                           (*values.values(), now(), name))
        if cur.rowcount == 0:
            raise NotFound(f"no user {name!r} (see `pipeline users list`)")
    return get(store, name)


def remove(store: Store, name: str) -> None:
    """Delete an account with its sessions and tokens; its name stays in the history."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE name = ?", (name,))
        conn.execute("DELETE FROM tokens WHERE name = ?", (name,))
        if conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise NotFound(f"no user {name!r} (see `pipeline users list`)")


def add_token(store: Store, name: str, token_hash: str) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO tokens (hash, name, created_at) VALUES (?,?,?)",
                     (token_hash, name, now()))


def token_user(store: Store, token_hash: str) -> str | None:
    """The account a token hash belongs to, or None."""
    r = store.conn.execute("SELECT name FROM tokens WHERE hash = ?", (token_hash,)).fetchone()
    return None if r is None else str(r[0])


def remove_tokens(store: Store, name: str) -> int:
    with store.transaction() as conn:
        return conn.execute("DELETE FROM tokens WHERE name = ?", (name,)).rowcount


def add_session(store: Store, session_hash: str, name: str, csrf: str, expires: str) -> None:
    with store.transaction() as conn:
        # Expired sessions go as new ones come, so the table never grows without bound.
        conn.execute("DELETE FROM sessions WHERE expires <= ?", (now(),))
        conn.execute("INSERT INTO sessions (hash, name, csrf, created_at, expires)"
                     " VALUES (?,?,?,?,?)", (session_hash, name, csrf, now(), expires))


def session(store: Store, session_hash: str) -> tuple[str, str] | None:
    """(name, csrf) of an unexpired session, or None."""
    r = store.conn.execute("SELECT name, csrf FROM sessions WHERE hash = ? AND expires > ?",
                           (session_hash, now())).fetchone()
    return None if r is None else (str(r[0]), str(r[1]))


def remove_session(store: Store, session_hash: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE hash = ?", (session_hash,))


def remove_sessions(store: Store, name: str) -> int:
    with store.transaction() as conn:
        return conn.execute("DELETE FROM sessions WHERE name = ?", (name,)).rowcount


def count_failures(store: Store, key: str, since: str) -> int:
    r = store.conn.execute("SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
                           (key, since)).fetchone()
    return int(r[0])


def oldest_failure(store: Store, key: str, since: str) -> str | None:
    r = store.conn.execute("SELECT min(at) FROM login_failures WHERE key = ? AND at > ?",
                           (key, since)).fetchone()
    return None if r[0] is None else str(r[0])


def add_failures(store: Store, keys: Sequence[str], before: str) -> None:
    """Record one failed sign-in under each key; forget failures older than `before`."""
    ts = now()
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failures WHERE at <= ?", (before,))
        conn.executemany("INSERT INTO login_failures (key, at) VALUES (?,?)",
                         [(k, ts) for k in keys])


def clear_failures(store: Store, key: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))
