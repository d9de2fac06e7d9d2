"""The JSON API under /api/: the review actions, publishing and users, with the same permissions.

Authenticated by `Authorization: Bearer <token>` (`pipeline users token NAME`); a browser session
works too, but its writes need the X-CSRF-Token header like every form. Errors are
{"error": sentence, "status": code} with the HTTP status of the failure (403, 404, 409...).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pipeline import accounts, permissions
from pipeline.errors import UsageError
from pipeline.models import Translation
from pipeline.permissions import Action
from pipeline.review import actions, queue
from pipeline.store import review as q
from pipeline.web.context import (
    current_user,
    json_body,
    require,
    require_lang,
    settings,
    store,
    whole_number,
)

#: Most units one queue call returns.
MAX_LIMIT = 500


def _translation(t: Translation) -> dict[str, Any]:
    d = dataclasses.asdict(t)
    d["flags"] = list(t.flags)
    return d


def _unit(request: Request) -> tuple[str, str]:
    lang = require_lang(request, request.path_params["lang"])
    return q.resolve_unit(store(request), request.path_params["unit"]), lang


def _revision(body: dict[str, Any]) -> int | None:
    value = body.get("revision")
    if value is None:
        return None
    if isinstance(value, str):
        raise UsageError("revision must be a whole number (the revision you read)")
    return whole_number(value, "revision (the revision you read)")


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise UsageError(f"{key!r} must be given as a string")
    return value


def me(request: Request) -> Response:
    user = current_user(request)
    assert user is not None
    return JSONResponse(user.as_dict())


def queue_list(request: Request) -> Response:
    lang = require_lang(request, request.path_params["lang"])
    user = require(request, Action.VIEW, lang)
    params = request.query_params
    statuses = queue.parse_statuses(params.getlist("status"))
    article = params.get("article") or None
    try:
        limit = min(MAX_LIMIT, max(1, int(params.get("limit", "50"))))
    except ValueError:
        raise UsageError("limit must be a whole number") from None
    st = store(request)
    items = queue.list_queue(st, lang, who=user.name, statuses=statuses, article=article,
                             limit=limit)
    out: dict[str, Any] = {"lang": lang, "items": [i.as_dict() for i in items]}
    if params.get("count") in ("1", "true", "yes"):
        # Opt-in: counting every unit left is a scan of the language (about 2 µs a unit).
        out["left"] = q.queue_size(st, lang, who=user.name, statuses=statuses, article=article)
    return JSONResponse(out)


def claim_next(request: Request) -> Response:
    """Claim the most urgent free unit for the caller (a lease of `[review] claim_minutes`)."""
    lang = require_lang(request, request.path_params["lang"])
    user = require(request, Action.EDIT, lang)
    body = json_body(request)
    wanted = body.get("status")
    if wanted is not None and (not isinstance(wanted, list)
                               or not all(isinstance(x, str) for x in wanted)):
        raise UsageError("status must be a list of statuses, such as [\"machine\"]")
    statuses = queue.parse_statuses(wanted)
    article = body.get("article")
    if article is not None and not isinstance(article, str):
        raise UsageError("article must be an article's slug")
    s = settings(request)
    item = queue.claim_next(store(request), lang, user.name, minutes=s.claim_minutes,
                            statuses=statuses, article=article,
                            four_eyes=s.four_eyes and permissions.can(user, Action.APPROVE, lang))
    return JSONResponse({"item": None if item is None else item.as_dict()})


def unit(request: Request) -> Response:
    unit_id, lang = _unit(request)
    require(request, Action.VIEW, lang)
    st = store(request)
    item = q.with_hints(st, [q.item(st, unit_id, lang)])[0]
    from pipeline.store import events

    return JSONResponse({**item.as_dict(), "context": q.context(st, unit_id, lang),
                         "history": events.history(st, unit_id, lang)})


def approve(request: Request) -> Response:
    unit_id, lang = _unit(request)
    st = store(request)
    current = q.item(st, unit_id, lang)
    user = require(request, Action.APPROVE, lang, author=current.translated_by)
    body = json_body(request)
    out = actions.approve(st, unit_id, lang, who=user.name, revision=_revision(body),
                          rules=actions.Rules(four_eyes=settings(request).four_eyes))
    return JSONResponse(_translation(out))


def edit(request: Request) -> Response:
    unit_id, lang = _unit(request)
    user = require(request, Action.EDIT, lang)
    body = json_body(request)
    out = actions.edit(store(request), unit_id, lang, _text(body, "text"), who=user.name,
                       revision=_revision(body))
    return JSONResponse(_translation(out))


def reject(request: Request) -> Response:
    unit_id, lang = _unit(request)
    user = require(request, Action.REJECT, lang)
    body = json_body(request)
    out = actions.reject(store(request), unit_id, lang, _text(body, "reason"), who=user.name,
                         revision=_revision(body))
    return JSONResponse(_translation(out))


def revert(request: Request) -> Response:
    unit_id, lang = _unit(request)
    user = require(request, Action.REVERT, lang)
    body = json_body(request)
    event = body.get("event")
    if isinstance(event, str):
        raise UsageError("event must be the id of a history event (a whole number)")
    event = whole_number(event, "event (the id of a history event)")
    out = actions.revert(store(request), unit_id, lang, event, who=user.name,
                         revision=_revision(body))
    return JSONResponse(_translation(out))


def comment(request: Request) -> Response:
    unit_id, lang = _unit(request)
    user = require(request, Action.COMMENT, lang)
    body = json_body(request)
    import importlib

    try:  # the comment threads arrive with the review screen (branch webb)
        comments = importlib.import_module("pipeline.review.comments")
    except ModuleNotFoundError:
        return JSONResponse({"error": "comments are not available in this version",
                             "status": 501}, status_code=501)
    out = comments.add(store(request), unit_id, lang, _text(body, "text"), who=user.name)
    return JSONResponse(out, status_code=201)


def readiness(request: Request) -> Response:
    lang = require_lang(request, request.path_params["lang"])
    require(request, Action.EDITOR)
    require(request, Action.VIEW, lang)
    from pipeline.checks.readiness import article_readiness

    r = article_readiness(settings(request), store(request), request.path_params["slug"], lang)
    return JSONResponse({
        "slug": r.slug, "lang": r.lang, "title": r.title, "units": r.total,
        "by_status": r.by_status, "ready": r.ready,
        "published": r.decision.published, "reason": r.decision.reason,
        "status": r.decision.status,
        "blocking": [dataclasses.asdict(f) for f in r.blocking],
        "warnings": [dataclasses.asdict(f) for f in r.warnings],
        "suppressed": r.suppressed,
    })


def publish(request: Request) -> Response:
    body = json_body(request)
    s = settings(request)
    lang = body.get("lang", "all")
    if not isinstance(lang, str):
        raise UsageError("lang must be a language code or \"all\"")
    langs = s.languages if lang == "all" else (lang,)
    if lang != "all" and lang not in s.languages:
        raise UsageError(f"{lang!r} is not a language of this workspace ({','.join(s.languages)})")
    for one in langs:
        require(request, Action.PUBLISH, one)
    machine = body.get("include_machine", False)
    if not isinstance(machine, bool):
        raise UsageError("include_machine must be true or false")
    from pipeline.web.routes.editor import run_publish

    return JSONResponse(run_publish(request, langs, include_machine=machine).to_dict())


def users_list(request: Request) -> Response:
    require(request, Action.MANAGE_USERS)
    return JSONResponse([u.as_dict() for u in accounts.list_users(store(request))])


def users_add(request: Request) -> Response:
    require(request, Action.MANAGE_USERS)
    body = json_body(request)
    langs = body.get("languages", [])
    password = body.get("password")
    if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs):
        raise UsageError("languages must be a list of language codes")
    if password is not None and not isinstance(password, str):
        raise UsageError("password must be a string (or left out for a token-only account)")
    user = accounts.add_user(store(request), _text(body, "name"),
                             accounts.parse_role(_text(body, "role")), languages=langs,
                             password=password, targets=settings(request).targets)
    return JSONResponse(user.as_dict(), status_code=201)


def users_remove(request: Request) -> Response:
    require(request, Action.MANAGE_USERS)
    accounts.remove_user(store(request), request.path_params["name"])
    return JSONResponse({"removed": request.path_params["name"]})


routes = [
    Route("/api/me", me),
    Route("/api/queue/{lang}", queue_list),
    Route("/api/queue/{lang}/claim", claim_next, methods=["POST"]),
    Route("/api/units/{unit}/{lang}", unit),
    Route("/api/units/{unit}/{lang}/approve", approve, methods=["POST"]),
    Route("/api/units/{unit}/{lang}/edit", edit, methods=["POST"]),
    Route("/api/units/{unit}/{lang}/reject", reject, methods=["POST"]),
    Route("/api/units/{unit}/{lang}/revert", revert, methods=["POST"]),
    Route("/api/units/{unit}/{lang}/comment", comment, methods=["POST"]),
    Route("/api/readiness/{slug}/{lang}", readiness),
    Route("/api/publish", publish, methods=["POST"]),
    Route("/api/users", users_list, methods=["GET"]),
    Route("/api/users", users_add, methods=["POST"]),
    Route("/api/users/{name}", users_remove, methods=["DELETE"]),
]
