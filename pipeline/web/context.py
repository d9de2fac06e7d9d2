"""What every handler uses: the thread's Store, the signed-in user, permission checks, rendering.

Route modules (pipeline/web/routes/*.py) import from here and stay thin:

    def page(request):
        user = require(request, Action.VIEW, lang)
        items = library_call(store(request), ...)
        return render(request, "x.html", thing=...)
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from pipeline import languages, permissions
from pipeline.accounts import Session, User
from pipeline.errors import (
    AuthError,
    ConflictError,
    DirectoryBusy,
    InputError,
    NotFound,
    PermissionDenied,
    PipelineError,
    PolicyError,
    RateLimited,
    StoreError,
    TransitionError,
    UsageError,
)
from pipeline.permissions import Action
from pipeline.store import Store
from pipeline.web.templating import UI_LANGS, environment
from pipeline.workspace import Settings

SESSION_COOKIE = "pipeline_session"
SIGNIN_COOKIE = "pipeline_signin"  # CSRF token of the sign-in form, before there is a session
UI_COOKIE = "pipeline_ui"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Stores:
    """One Store per thread (sqlite3 connections belong to the thread that uses them).

    Starlette runs sync handlers in a thread pool; each pool thread opens the database once and
    keeps it. The schema is migrated once when the app starts, not per connection.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Store] = []

    def get(self) -> Store:
        st: Store | None = getattr(self._local, "store", None)
        if st is None:
            st = Store(self.settings.database, migrate_schema=False)
            self._local.store = st
            with self._lock:
                self._all.append(st)
        return st

    def close_all(self) -> None:
        with self._lock:
            for st in self._all:
                try:
                    st.close()
                except sqlite3.Error:
                    pass
            self._all.clear()


def settings(request: Request) -> Settings:
    """The workspace the server runs over."""
    return request.app.state.settings


def store(request: Request) -> Store:
    """This thread's open Store (call from a sync handler, which Starlette runs in a thread)."""
    return request.app.state.stores.get()


def current_user(request: Request) -> User | None:
    """The signed-in person (session cookie or API token), or None."""
    return request.scope.get("state", {}).get("user")


def current_session(request: Request) -> Session | None:
    return request.scope.get("state", {}).get("session")


def via_token(request: Request) -> bool:
    """True when the request is authenticated by an API token (no cookie, no CSRF)."""
    return request.scope.get("state", {}).get("auth") == "token"


def require(request: Request, action: Action | str, lang: str | None = None, *,
            author: str | None = None) -> User:
    """The signed-in user if they may do `action` in `lang`; PermissionDenied (403) otherwise.

    The four-eyes rule comes from the workspace's settings.
    """
    user = current_user(request)
    permissions.check(user, action, lang, author=author, four_eyes=settings(request).four_eyes)
    assert user is not None
    return user


def form_data(request: Request) -> dict[str, str]:
    """The urlencoded form of a POST, from a sync handler (which Starlette runs in a thread).

    The guard has already read the body (and checked its CSRF token); this parses it.
    """
    import anyio.from_thread

    async def read() -> dict[str, str]:
        data = await request.form()
        return {k: v for k, v in data.items() if isinstance(v, str)}

    return anyio.from_thread.run(read)


def json_body(request: Request) -> dict[str, Any]:
    """The JSON object of an API request, from a sync handler; UsageError (400) if it is not one."""
    import anyio.from_thread

    from pipeline.inputfile import load_json

    raw = anyio.from_thread.run(request.body)
    if not raw.strip():
        return {}
    try:  # the shared JSON reader: deep nesting, huge numbers, keys named twice are one line
        data = load_json(raw, "the request body")
    except InputError as exc:
        raise UsageError(exc.message) from None
    if not isinstance(data, dict):
        raise UsageError("the request body must be a JSON object")
    return data


#: Largest id or revision a request may name: SQLite's INTEGER (a bigger one is no row anyway).
MAX_ID = 2**63 - 1
_WHOLE = re.compile(r"[0-9]{1,19}")


def whole_number(value: object, what: str) -> int:
    """`value` (a form field's text, or a JSON number) as a row id or revision; UsageError if not.

    Only ASCII digits (str.isdigit also takes "²" and "١٢", which int() refuses or reads),
    never a bool, and within SQLite's INTEGER, so no 5000-digit field reaches int() or SQL.
    """
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise UsageError(f"{what} must be a whole number")
    if not 0 <= number <= MAX_ID:
        raise UsageError(f"{what} must be a whole number from 0 to {MAX_ID}")
    return number


def require_lang(request: Request, lang: str) -> str:
    """`lang` if it is a target language of the workspace; NotFound (404) otherwise."""
    if lang not in settings(request).targets:
        raise NotFound(f"{lang!r} is not a target language of this workspace")
    return lang


def csrf_token(request: Request) -> str:
    """The token forms and htmx requests send back (the session's, or the sign-in form's)."""
    session = current_session(request)
    if session is not None:
        return session.csrf
    return request.scope.get("state", {}).get("signin_csrf", "")


def ui_lang(request: Request) -> str:
    """The interface language: ?ui=, then the cookie it sets, then the user's setting, else en."""
    asked = request.query_params.get("ui")
    if asked in UI_LANGS:
        return asked
    cookie = request.cookies.get(UI_COOKIE)
    if cookie in UI_LANGS:
        return cookie
    user = current_user(request)
    if user is not None and user.ui_lang in UI_LANGS:
        return user.ui_lang
    return "en"


def say(request: Request, name: str, **values: Any) -> str:
    """One of the handlers' messages (a macro of templates/messages.html) in the interface language.

    Plain text (not markup): callers pass it to templates, which escape it, or into JSON.
    """
    module = environment(ui_lang(request)).get_template("messages.html").module
    return str(html.unescape(str(getattr(module, name)(**values))))


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the interface language, with the user, CSRF token and `can` for the template."""
    lang = ui_lang(request)
    user = current_user(request)
    four_eyes = settings(request).four_eyes

    def can(action: str, target: str | None = None, author: str | None = None) -> bool:
        return permissions.can(user, action, target, author=author, four_eyes=four_eyes)

    def ui_link(code: str) -> str:
        # The same page, with its filters (or the sign-in's `next`), in another interface language.
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "ui"]
        return "?" + urlencode([*kept, ("ui", code)])

    html = environment(lang).get_template(template).render(
        request=request, user=user, csrf_token=csrf_token(request), ui_lang=lang,
        ui_dir=languages.direction(lang), can=can, targets=settings(request).targets,
        path=request.url.path, ui_link=ui_link, **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("ui") in UI_LANGS and request.cookies.get(UI_COOKIE) != lang:
        response.set_cookie(UI_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
    return response


#: HTTP status for each kind of library failure a person can meet.
STATUS: list[tuple[type[PipelineError], int]] = [
    (RateLimited, 429), (AuthError, 401), (PermissionDenied, 403), (PolicyError, 403),
    (NotFound, 404), (ConflictError, 409), (DirectoryBusy, 409), (TransitionError, 409), (UsageError, 400),
    (StoreError, 503),
]


def status_of(exc: PipelineError) -> int:
    for kind, code in STATUS:
        if isinstance(exc, kind):
            return code
    return 400


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, *,
                   message_lang: str | None = None) -> Response:
    """The error as JSON under /api/, else as a page (or a fragment for htmx) in the interface.

    `message_lang` is the language the message is written in: "en" for the library's sentences,
    the interface language (the default) for the handlers' own words from `say`.
    """
    if is_api(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    template = "error_fragment.html" if request.headers.get("hx-request") else "error.html"
    response = render(request, template, status=status, status_code=status, message=message,
                      message_lang=message_lang or ui_lang(request))
    if request.headers.get("hx-request"):
        # htmx swaps only 2xx answers by default; retarget the message into the page's alert box.
        response.headers["HX-Retarget"] = "#alerts"
        response.headers["HX-Reswap"] = "innerHTML"
    return response

