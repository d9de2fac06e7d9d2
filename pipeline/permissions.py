"""Who may do what: the one place the web pages, the JSON API and their tests ask.

`check(user, action, lang)` raises PermissionDenied with one sentence; `can(...)` is its boolean.
The table, in words:

- translator: view, edit, revert and comment in their own languages;
- reviewer: also approve, reject and bulk-approve in their languages (four-eyes: never text
  they wrote themselves, when `[review] four_eyes` is on);
- editor: view and comment in every language (or their own), see the editor's screen and the
  dashboard, and publish;
- admin: everything, and manage users.
"""

from __future__ import annotations

from enum import StrEnum

from pipeline.accounts import Role, User
from pipeline.errors import PermissionDenied


class Action(StrEnum):
    """Everything a person can ask the workspace to do."""

    VIEW = "view"
    EDIT = "edit"
    REVERT = "revert"
    COMMENT = "comment"
    APPROVE = "approve"
    REJECT = "reject"
    BULK_APPROVE = "bulk_approve"
    EDITOR = "editor"  # the editor's screen: readiness, preview, dashboard
    PUBLISH = "publish"
    MANAGE_USERS = "manage_users"


_TRANSLATE = {Action.VIEW, Action.EDIT, Action.REVERT, Action.COMMENT}
_REVIEW = _TRANSLATE | {Action.APPROVE, Action.REJECT, Action.BULK_APPROVE}
_EDIT_DESK = {Action.VIEW, Action.COMMENT, Action.EDITOR, Action.PUBLISH}

#: role -> actions it allows (in the person's languages). Admins may do everything.
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.TRANSLATOR: frozenset(_TRANSLATE),
    Role.REVIEWER: frozenset(_REVIEW),
    Role.EDITOR: frozenset(_EDIT_DESK),
    Role.ADMIN: frozenset(Action),
}

#: Actions that are about no single language (lang=None is fine for them).
GLOBAL_ACTIONS = frozenset({Action.EDITOR, Action.MANAGE_USERS})

#: Actions that approve text someone wrote, so the four-eyes rule applies.
APPROVING = frozenset({Action.APPROVE, Action.BULK_APPROVE})


def check(user: User | None, action: Action | str, lang: str | None = None, *,
          author: str | None = None, four_eyes: bool = False) -> None:
    """Raise PermissionDenied unless `user` may do `action` in `lang`.

    `author` is who wrote the text being approved (translated_by); under `four_eyes` a person
    never approves their own text.
    """
    act = Action(action)
    if user is None:
        raise PermissionDenied("sign in first")
    if act not in ALLOWED[user.role]:
        raise PermissionDenied(f"{user.name} is {_a(user.role)} and cannot {_verb(act)}")
    if lang is not None and act not in GLOBAL_ACTIONS and not user.works_in(lang):
        raise PermissionDenied(f"{user.name} works in {', '.join(user.languages)}, not {lang}")
    if lang is None and act not in GLOBAL_ACTIONS and act is not Action.PUBLISH:
        raise PermissionDenied(f"{_verb(act)} needs a language")
    if four_eyes and act in APPROVING and author is not None and author == user.name:
        raise PermissionDenied(f"four-eyes rule: {user.name} wrote this text and cannot approve "
                               "it; ask another reviewer")


def can(user: User | None, action: Action | str, lang: str | None = None, *,
        author: str | None = None, four_eyes: bool = False) -> bool:
    """Whether `check` would allow it (for showing or hiding a button)."""
    try:
        check(user, action, lang, author=author, four_eyes=four_eyes)
    except PermissionDenied:
        return False
    return True


def _a(role: Role) -> str:
    return ("an " if role.value[0] in "aeiou" else "a ") + role.value


def _verb(act: Action) -> str:
    return {Action.EDITOR: "open the editor's screen", Action.MANAGE_USERS: "manage users",
            Action.BULK_APPROVE: "bulk-approve"}.get(act, act.value)
