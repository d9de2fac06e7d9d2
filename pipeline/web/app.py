"""The Starlette application of `pipeline serve`: routes from pipeline/web/routes, the guard, errors."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from pipeline.errors import PipelineError
from pipeline.store import open_store
from pipeline.web import routes as routes_pkg
from pipeline.web.context import Stores, error_response, say, status_of
from pipeline.web.security import Guard
from pipeline.web.templating import STATIC
from pipeline.workspace import Settings

log = logging.getLogger(__name__)


def collect_routes() -> list[BaseRoute]:
    """Every `routes` list of the modules in pipeline/web/routes, in module-name order.

    Adding a screen is adding a module: nothing else to register.
    """
    found: list[BaseRoute] = []
    for info in sorted(pkgutil.iter_modules(routes_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{routes_pkg.__name__}.{info.name}")
        found.extend(getattr(module, "routes", []))
    return found


def create_app(settings: Settings) -> Starlette:
    """The web workspace over `settings.database` (migrated once here, before any request)."""
    open_store(settings.database).close()
    stores = Stores(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        stores.close_all()

    app = Starlette(
        routes=[*collect_routes(), Mount("/static", StaticFiles(directory=STATIC), name="static")],
        middleware=[Middleware(Guard, stores=stores)],
        exception_handlers={
            PipelineError: _pipeline_error,
            HTTPException: _http_error,
            sqlite3.OperationalError: _database_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.stores = stores
    return app


async def _pipeline_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PipelineError)
    return error_response(request, status_of(exc), exc.message, message_lang="en")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    name = {404: "no_page", 405: "not_here"}.get(exc.status_code, "failed")
    return error_response(request, exc.status_code, say(request, name))


async def _database_error(request: Request, exc: Exception) -> Response:
    # The store's retries wait out a busy database; if one still gets here, say so in words.
    log.warning("database error on %s: %s", request.url.path, exc)
    return error_response(request, 503, say(request, "busy"))
