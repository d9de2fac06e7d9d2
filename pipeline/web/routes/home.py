"""The start page: where each person's work is, by role and language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipeline.web.context import current_user, render, settings


def home(request: Request) -> Response:
    user = current_user(request)
    assert user is not None  # the guard lets no signed-out visitor past
    langs = [lang for lang in settings(request).targets if user.works_in(lang)]
    return render(request, "home.html", langs=langs)


routes = [Route("/", home, name="home")]
