"""Signing in and out (the only page a signed-out visitor can reach)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline import accounts
from pipeline.errors import AuthError, RateLimited
from pipeline.web.context import (
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    csrf_token,
    current_session,
    current_user,
    render,
    say,
    store,
)


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else (other sites, //host) becomes /."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def signin_page(request: Request) -> Response:
    if current_user(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _form(request)


def _form(request: Request, *, error: str | None = None, name: str = "",
          status: int = 200) -> Response:
    response = render(request, "signin.html", status=status, error=error, name=name,
                      next=safe_next(request.query_params.get("next")))
    response.set_cookie(SIGNIN_COOKIE, csrf_token(request), max_age=3600, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/signin")
    return response


async def signin(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", ""))
    password = str(form.get("password", ""))
    client = request.client.host if request.client else None
    from anyio import to_thread

    try:
        session = await to_thread.run_sync(
            lambda: accounts.sign_in(store(request), name, password, client=client))
    except RateLimited:
        return _form(request, name=name, status=429, error=say(request, "too_many_signins"))
    except AuthError:
        return _form(request, name=name, status=401, error=say(request, "wrong_signin"))
    target = safe_next(str(form.get("next", "")) or request.query_params.get("next"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session.id, max_age=accounts.SESSION_HOURS * 3600,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


def signout(request: Request) -> Response:
    session = current_session(request)
    if session is not None:
        accounts.end_session(store(request), session.id)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


routes = [
    Route("/signin", signin_page, methods=["GET"], name="signin_page"),
    Route("/signin", signin, methods=["POST"], name="signin"),
    Route("/signout", signout, methods=["POST"], name="signout"),
]
