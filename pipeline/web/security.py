"""The guard in front of every route: who is asking, CSRF on writes, sign-in wall, security headers."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from pipeline import accounts
from pipeline.textcheck import MAX_TEXT_BYTES
from pipeline.web.context import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    Stores,
    error_response,
    say,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: No inline script, no inline style (attributes included), nothing from elsewhere, never framed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; "
       "base-uri 'none'")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Paths a signed-out visitor may reach: the sign-in page and the package's static files (the
#: editions' stylesheet, which the sandboxed preview loads without cookies, is one).
PUBLIC_PATHS = frozenset({"/signin"})
PUBLIC_PREFIXES = ("/static/", "/preview/assets/")
#: A form or JSON body larger than this is refused before it is read into memory (413). Room
#: for the longest text a person may enter (pipeline.textcheck, the one cap of every path) in
#: its most expanded encoding, %XX per byte in a form (\uXXXX in JSON is no more), and the
#: other fields; a text over the cap that fits gets textcheck's one sentence (400).
MAX_BODY = 3 * MAX_TEXT_BYTES + 64 * 1024


class Guard:
    """Pure ASGI middleware (no BaseHTTPMiddleware: bodies are read once and streamed on)."""

    def __init__(self, app: ASGIApp, *, stores: Stores) -> None:
        self.app = app
        self.stores = stores

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, static=scope["path"].startswith(PUBLIC_PREFIXES),
                             start=(time.perf_counter(), time.process_time()))
        request = Request(scope)
        state = scope.setdefault("state", {})
        path = scope["path"]
        is_api = path.startswith("/api/")
        user, session, via = None, None, None
        bearer = request.headers.get("authorization", "")
        if is_api and bearer:
            scheme, _, token = bearer.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                user = self._token_user(token.strip())
            if user is None:
                await _json(401, "the API token is not valid; make one with "
                            "`pipeline users token NAME`")(scope, receive, send)
                return
            via = "token"
        elif sid := request.cookies.get(SESSION_COOKIE):
            session = self._session(sid)
            if session is not None:
                user, via = session.user, "session"
        state.update(user=user, session=session, auth=via)

        public = path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
        if user is None and not public:
            await _signed_out(request)(scope, receive, send)
            return

        if scope["method"] not in SAFE_METHODS:
            body = await _read_body(receive)
            if body is None:
                await error_response(request, 413, say(request, "too_large"))(scope, receive, send)
                return
            receive = _replay(body)
            if via != "token":  # a browser: the session's (or sign-in form's) token must match
                expected = session.csrf if session else request.cookies.get(SIGNIN_COOKIE, "")
                given = request.headers.get(CSRF_HEADER) or _form_field(request, body, CSRF_FIELD)
                if not expected or not given or not hmac.compare_digest(expected, given):
                    await error_response(request, 403, say(request, "csrf_failed"))(
                        scope, receive, send)
                    return
        if path == "/signin" and user is None:
            state["signin_csrf"] = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)
        await self.app(scope, receive, send)

    # The lookups run in the event loop's thread, on that thread's own connection: one indexed
    # read of about 40 µs, which a WAL database never makes wait for a writer; a hop to the
    # thread pool and back for it costs more than the read itself.
    def _token_user(self, token: str) -> accounts.User | None:
        return accounts.token_user(self.stores.get(), token)

    def _session(self, sid: str) -> accounts.Session | None:
        return accounts.load_session(self.stores.get(), sid)


def _with_headers(send: Send, *, static: bool, start: tuple[float, float]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            # Server time until the answer starts (browsers' developer tools show it; the web
            # benchmark reads it): sign-in lookup, handler, template, all in. `cpu` is the
            # process's CPU time meanwhile: this request's own cost when it ran alone, and a
            # figure that stays honest on a machine loaded by other work.
            elapsed = (time.perf_counter() - start[0]) * 1000
            cpu = (time.process_time() - start[1]) * 1000
            headers.append((b"server-timing",
                            f"app;dur={elapsed:.2f}, cpu;dur={cpu:.2f}".encode()))
            extra = [
                (b"content-security-policy", CSP.encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"same-origin"),
                (b"x-frame-options", b"DENY"),
                (b"cross-origin-opener-policy", b"same-origin"),
            ]
            if not static:
                # Pages hold unpublished text: never kept by a shared cache or the back button
                # after signing out.
                extra.append((b"cache-control", b"no-store"))
            headers.extend((k, v) for k, v in extra if k not in present)
            message["headers"] = headers
        await send(message)

    return wrapped


def _signed_out(request: Request) -> Response:
    if request.url.path.startswith("/api/"):
        return _json(401, "sign in or send an API token (Authorization: Bearer TOKEN)")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/signin" + (f"?next={quote(target, safe='')}"
                            if request.method == "GET" and target != "/" else "")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def _json(status: int, message: str) -> Response:
    return JSONResponse({"error": message, "status": status}, status_code=status)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when it is larger than MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _form_field(request: Request, body: bytes, name: str) -> str | None:
    """A field of a urlencoded form body (forms of this app are urlencoded, never multipart)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return None
    try:
        values = parse_qs(body.decode("utf-8"), max_num_fields=1000).get(name)
    except (UnicodeDecodeError, ValueError):
        return None
    return values[0] if values else None
