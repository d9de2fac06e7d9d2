"""Accounts: scrypt hashes, names and roles, tokens stored as hashes, sessions that expire."""

from __future__ import annotations

import pytest

from pipeline import accounts
from pipeline.accounts import Role
from pipeline.errors import NotFound, UsageError
from pipeline.store import Store
from pipeline.workspace import Settings

PW = "a long enough password"


def test_hash_uses_production_scrypt_cost_and_a_fresh_salt() -> None:
    one, two = accounts.hash_password(PW), accounts.hash_password(PW)
    kind, n, r, p, salt, digest = one.split("$")
    assert (kind, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(digest) == 64
    assert one != two  # per-user salt
    assert accounts.verify_password(PW, one) and accounts.verify_password(PW, two)
    assert not accounts.verify_password(PW + "x", one)


@pytest.mark.parametrize("stored", [None, "", "md5$abc", "scrypt$16384$8$1$zz$00",
                                    "scrypt$x$8$1$00$00", "plain text"])
def test_broken_or_missing_hash_never_verifies(stored: str | None) -> None:
    assert accounts.verify_password(PW, stored) is False


def test_add_user_stores_no_password_in_clear(workspace: Settings, store: Store) -> None:
    accounts.add_user(store, "mina", Role.TRANSLATOR, languages=["fa"], password=PW,
                      targets=workspace.targets)
    dump = "\n".join(store.conn.iterdump())
    assert PW not in dump
    assert accounts.get_user(store, "mina").languages == ("fa",)


@pytest.mark.parametrize("name", ["", " ", "a b", "<script>", "x" * 65, "ali\n", "عل"])
def test_bad_names_are_refused(workspace: Settings, store: Store, name: str) -> None:
    with pytest.raises(UsageError, match="not allowed"):
        accounts.add_user(store, name, Role.ADMIN, password=PW, targets=workspace.targets)


def test_translator_needs_languages_of_the_workspace(workspace: Settings, store: Store) -> None:
    with pytest.raises(UsageError, match="needs their languages"):
        accounts.add_user(store, "t", Role.TRANSLATOR, password=PW, targets=workspace.targets)
    with pytest.raises(UsageError, match="not a target language"):
        accounts.add_user(store, "t", Role.TRANSLATOR, languages=["de"], password=PW,
                          targets=workspace.targets)


def test_short_password_and_duplicate_name(workspace: Settings, store: Store) -> None:
    with pytest.raises(UsageError, match="too short"):
        accounts.add_user(store, "ada", Role.ADMIN, password="short", targets=workspace.targets)
    accounts.add_user(store, "ada", Role.ADMIN, password=PW, targets=workspace.targets)
    with pytest.raises(UsageError, match="already exists"):
        accounts.add_user(store, "ada", Role.ADMIN, password=PW, targets=workspace.targets)


def test_token_is_shown_once_and_stored_only_as_a_hash(workspace: Settings, store: Store) -> None:
    accounts.add_user(store, "bot", Role.REVIEWER, password=None, targets=workspace.targets)
    token = accounts.new_token(store, "bot")
    assert token not in "\n".join(store.conn.iterdump())
    assert accounts.token_user(store, token).name == "bot"  # type: ignore[union-attr]
    assert accounts.token_user(store, token + "x") is None
    assert accounts.revoke_tokens(store, "bot") == 1
    assert accounts.token_user(store, token) is None


def test_session_expires_and_ends_with_a_new_password(workspace: Settings, store: Store) -> None:
    user = accounts.add_user(store, "ada", Role.ADMIN, password=PW, targets=workspace.targets)
    old = accounts.start_session(store, user, hours=-1)
    assert accounts.load_session(store, old.id) is None  # expired
    live = accounts.sign_in(store, "ada", PW, client="127.0.0.1")
    assert accounts.load_session(store, live.id).user.name == "ada"  # type: ignore[union-attr]
    accounts.set_password(store, "ada", PW + " new")
    assert accounts.load_session(store, live.id) is None


def test_removing_a_user_ends_sessions_and_tokens(workspace: Settings, store: Store) -> None:
    user = accounts.add_user(store, "ada", Role.ADMIN, password=PW, targets=workspace.targets)
    session = accounts.start_session(store, user)
    token = accounts.new_token(store, "ada")
    accounts.remove_user(store, "ada")
    assert accounts.load_session(store, session.id) is None
    assert accounts.token_user(store, token) is None
    with pytest.raises(NotFound):
        accounts.remove_user(store, "ada")
