"""Accounts of the web workspace: users and roles, scrypt passwords, API tokens, sessions, sign-in limits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pipeline import languages as langs
from pipeline.errors import AuthError, RateLimited, UsageError
from pipeline.store import Store
from pipeline.store import users as q
from pipeline.store.retry import with_retry

__all__ = ["AuthError", "RateLimited", "Role", "Session", "User"]


class Role(StrEnum):
    """What a person does in the newsroom; permissions.py says what each may do."""

    TRANSLATOR = "translator"
    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    """A signed-in person as the permission checks see them (no password hash)."""

    name: str
    role: Role
    languages: tuple[str, ...] = ()  # empty: every target language (never for a translator)
    ui_lang: str | None = None

    def works_in(self, lang: str) -> bool:
        """True when the person's languages cover `lang` (an empty list covers all)."""
        return not self.languages or lang in self.languages

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role.value, "languages": list(self.languages),
                "ui_lang": self.ui_lang}


#: scrypt cost: N=2**14, r=8 takes 16 MiB and ~50 ms per hash on one core of the build machine;
#: memory-hard enough that a GPU gains little, cheap enough for a sign-in. Stored with each hash
#: so it can be raised later without invalidating old passwords.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # scrypt takes any length; a bound keeps a hostile form from costing much
SESSION_HOURS = 12
#: Failed sign-ins allowed per window: per name (guessing one password) and per client address
#: (trying many names). A success clears the name's count, never the address's.
WINDOW_MINUTES = 15
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """An scrypt hash with a fresh random salt, as text that records its parameters."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time comparison of `password` against a stored scrypt hash."""
    if stored is None:
        _dummy_hash(password)
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                             r=int(r), p=int(p), maxmem=64 * 1024 * 1024, dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def _dummy_hash(password: str) -> None:
    # Spend the same time for an unknown name as for a wrong password: no name probing by timing.
    hashlib.scrypt(password.encode("utf-8"), salt=b"0" * 16, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                   maxmem=64 * 1024 * 1024, dklen=32)


def check_password(password: str) -> str:
    """The password if it is acceptable; UsageError saying what is wrong otherwise."""
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


def check_name(name: str) -> str:
    """A sign-in name: ASCII letters, digits and . _ - @ only (no look-alike letters, no spaces)."""
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS:
        raise UsageError(f"user name {name!r} is not allowed: use 1 to 64 letters, digits, "
                         "'.', '_', '-' or '@'")
    return name


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise UsageError(f"--role {value!r} is not a role "
                         f"({', '.join(r.value for r in Role)})") from None


def _user(row: q.UserRow) -> User:
    return User(row.name, Role(row.role), row.languages, row.ui_lang)


def _check_languages(role: Role, languages: Iterable[str], targets: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(x.strip() for x in languages if x.strip()))
    unknown = [x for x in out if x not in targets]
    if unknown:
        raise UsageError(f"--lang {','.join(unknown)} is not a target language of this workspace "
                         f"({','.join(targets)})")
    if role is Role.TRANSLATOR and not out:
        raise UsageError("a translator needs their languages: pass --lang, e.g. --lang fa")
    return out


def _check_ui(ui_lang: str | None) -> str | None:
    if ui_lang is None:
        return None
    return langs.validate(ui_lang)


def add_user(store: Store, name: str, role: Role, *, languages: Iterable[str] = (),
             password: str | None, targets: tuple[str, ...], ui_lang: str | None = None) -> User:
    """Create an account. Without a password it can only use API tokens."""
    name = check_name(name)
    chosen = _check_languages(role, languages, targets)
    hashed = None if password is None else hash_password(check_password(password))
    return _user(with_retry(lambda: q.add(store, name, role.value, chosen, hashed,
                                          _check_ui(ui_lang))))


def get_user(store: Store, name: str) -> User:
    """One account; NotFound when there is none."""
    return _user(q.get(store, name))


def list_users(store: Store) -> list[User]:
    return [_user(r) for r in q.all_users(store)]


def remove_user(store: Store, name: str) -> None:
    """Delete an account and end its sessions and tokens; the history keeps the name."""
    with_retry(lambda: q.remove(store, name))


def set_password(store: Store, name: str, password: str) -> None:
    """Replace the password; every session of the account ends."""
    hashed = hash_password(check_password(password))

    def run() -> None:
        with store.transaction():
            q.update(store, name, password=hashed)
            q.remove_sessions(store, name)

    with_retry(run)


def change_user(store: Store, name: str, *, targets: tuple[str, ...], role: Role | None = None,
                languages: Iterable[str] | None = None, ui_lang: str | None = None) -> User:
    """Change an account's role, languages or interface language."""
    current = get_user(store, name)
    new_role = role or current.role
    fields: dict[str, object] = {"role": new_role.value}
    fields["languages"] = _check_languages(
        new_role, current.languages if languages is None else languages, targets)
    if ui_lang is not None:
        fields["ui_lang"] = _check_ui(ui_lang)
    return _user(with_retry(lambda: q.update(store, name, **fields)))


# -- API tokens -----------------------------------------------------------------------------------

TOKEN_PREFIX = "pl_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token(store: Store, name: str) -> str:
    """A new API token for `name`, returned once; only its hash is stored."""
    get_user(store, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with_retry(lambda: q.add_token(store, name, _digest(token)))
    return token


def token_user(store: Store, token: str) -> User | None:
    """The account an API token belongs to, or None for an unknown token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    name = q.token_user(store, _digest(token))
    row = None if name is None else q.find(store, name)
    return None if row is None else _user(row)


def revoke_tokens(store: Store, name: str) -> int:
    get_user(store, name)
    return with_retry(lambda: q.remove_tokens(store, name))


# -- sessions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A signed-in browser: the cookie value (kept only by the browser) and its CSRF token."""

    id: str
    user: User
    csrf: str


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def start_session(store: Store, user: User, *, hours: float = SESSION_HOURS) -> Session:
    """A new server-side session with a random id and its own CSRF token."""
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = _stamp(datetime.now(UTC) + timedelta(hours=hours))
    with_retry(lambda: q.add_session(store, _digest(sid), user.name, csrf, expires))
    return Session(sid, user, csrf)


def load_session(store: Store, sid: str) -> Session | None:
    """The unexpired session with this id, or None."""
    if not sid or len(sid) > 200:
        return None
    found = q.session(store, _digest(sid))
    if found is None:
        return None
    row = q.find(store, found[0])
    return None if row is None else Session(sid, _user(row), found[1])


def end_session(store: Store, sid: str) -> None:
    with_retry(lambda: q.remove_session(store, _digest(sid)))


# -- signing in -------------------------------------------------------------------------------------


def sign_in(store: Store, name: str, password: str, *, client: str | None) -> Session:
    """Check a name and password under the rate limits and start a session.

    AuthError (one sentence, the same for an unknown name and a wrong password) when refused.
    """
    name = name.strip()[:64]
    since = _stamp(datetime.now(UTC) - timedelta(minutes=WINDOW_MINUTES))
    keys = [f"name:{name.lower()}"] + ([f"addr:{client}"] if client else [])
    for key, limit in zip(keys, (MAX_FAILURES_PER_NAME, MAX_FAILURES_PER_ADDRESS), strict=False):
        if q.count_failures(store, key, since) >= limit:
            raise RateLimited(f"too many failed sign-ins; try again in {WINDOW_MINUTES} minutes")
    row = q.find(store, name)
    ok = verify_password(password[:MAX_PASSWORD], None if row is None else row.password)
    if row is None or not ok:
        with_retry(lambda: q.add_failures(store, keys, since))
        raise AuthError("the name or the password is wrong")
    with_retry(lambda: q.clear_failures(store, keys[0]))
    return start_session(store, _user(row))
