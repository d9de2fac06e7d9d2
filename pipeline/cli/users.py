"""`pipeline users`: accounts of the web workspace (add, list, remove, passwd, token)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, echo, print_json, settings

if TYPE_CHECKING:
    from pipeline.store import Store
    from pipeline.workspace import Settings

users_app = typer.Typer(help="Accounts of the web workspace (pipeline serve): people, roles, "
                             "languages, passwords and API tokens.", no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="The person's sign-in name.", metavar="NAME")]
PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from the first line of stdin (for scripts).")]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or asked twice on a terminal."""
    from pipeline.errors import InputError, UsageError

    if from_stdin:
        raw = sys.stdin.buffer.readline(4096) if hasattr(sys.stdin, "buffer") else \
            sys.stdin.readline(4096).encode()
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise InputError(f"the password is not UTF-8 (byte {exc.start})", path="<stdin>") \
                from None
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: pass --password-stdin and pipe it in")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def _open(workspace: Path | None) -> tuple[Settings, Store]:
    from pipeline.store import open_store

    s = settings(workspace)
    return s, open_store(s.database)


@users_app.command("add")
def add(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", "-r",
                                      help="translator, reviewer, editor or admin.")],
    lang: Annotated[str | None, typer.Option(
        "--lang", "-l", help="Languages the person works in, comma separated, e.g. fa,ar "
                             "(required for a translator; default for others: all).")] = None,
    ui: Annotated[str | None, typer.Option(
        "--ui", help="Language of the interface for this person: en, fa, ar or sq.")] = None,
    password_stdin: PasswordStdin = False,
    no_password: Annotated[bool, typer.Option(
        "--no-password", help="An account that only uses API tokens (no browser sign-in).")]
    = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an account; asks for the password twice unless --password-stdin."""
    from pipeline import accounts

    s, store = _open(workspace)
    with store:
        password = None if no_password else _password(password_stdin)
        user = accounts.add_user(store, name, accounts.parse_role(role),
                                 languages=(lang or "").split(","), password=password,
                                 targets=s.targets, ui_lang=ui)
    if as_json:
        print_json(user.as_dict())
    else:
        echo(f"added {user.name} ({user.role.value}; "
             f"{', '.join(user.languages) or 'all languages'})")


@users_app.command("list")
def list_(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Every account with its role and languages."""
    from pipeline import accounts

    _s, store = _open(workspace)
    with store:
        users = accounts.list_users(store)
    if as_json:
        print_json([u.as_dict() for u in users])
        return
    if not users:
        echo("no users yet; add the first admin with: pipeline users add NAME --role admin")
    for u in users:
        echo(f"{u.name:<20} {u.role.value:<10} {', '.join(u.languages) or 'all languages'}")


@users_app.command("remove")
def remove(name: NameArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Delete an account, its sessions and tokens (the history keeps the name)."""
    from pipeline import accounts

    _s, store = _open(workspace)
    with store:
        accounts.remove_user(store, name)
    if as_json:
        print_json({"removed": name})
    else:
        echo(f"removed {name}")


@users_app.command("passwd")
def passwd(name: NameArg, password_stdin: PasswordStdin = False, workspace: WorkspaceOpt = None,
           as_json: JsonOpt = False) -> None:
    """Set a new password; the person's open sessions end."""
    from pipeline import accounts

    _s, store = _open(workspace)
    with store:
        accounts.get_user(store, name)
        accounts.set_password(store, name, _password(password_stdin))
    if as_json:
        print_json({"name": name, "password": "changed"})
    else:
        echo(f"password of {name} changed; their sessions have ended")


@users_app.command("token")
def token(name: NameArg,
          revoke: Annotated[bool, typer.Option(
              "--revoke", help="Revoke every token of the person instead.")] = False,
          workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Make an API token (printed once, stored only as a hash), or --revoke them all."""
    from pipeline import accounts

    _s, store = _open(workspace)
    with store:
        if revoke:
            n = accounts.revoke_tokens(store, name)
            if as_json:
                print_json({"name": name, "revoked": n})
            else:
                echo(f"revoked {n} token(s) of {name}")
            return
        secret = accounts.new_token(store, name)
    if as_json:
        print_json({"name": name, "token": secret})
    else:
        echo(secret)
        echo("keep it safe: it is shown only this once (send it as Authorization: Bearer TOKEN)",
             err=True)
