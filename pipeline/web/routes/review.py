"""The translator's screen: the queue of a language, one unit at a time, and the review actions.

Handlers are thin: they check the permission, call the review library (the same functions as
`pipeline review`), and render. Every action is a plain form post that works without
JavaScript (answered with a redirect); with htmx the answer is the next unit's panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline import permissions
from pipeline.errors import (
    ConflictError,
    PermissionDenied,
    PolicyError,
    TransitionError,
    UsageError,
)
from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
from pipeline.permissions import Action
from pipeline.review import actions, comments
from pipeline.review import queue as rq
from pipeline.review.workbench import UnitView, unit_view
from pipeline.store import now
from pipeline.store import review as q
from pipeline.store import translations as tr
from pipeline.web.context import (
    current_user,
    render,
    require,
    require_lang,
    settings,
    status_of,
    store,
    whole_number,
)

#: Flag filters a person can pick, by their name in the URL.
FLAGS = {"test_model": (FLAG_TEST_MODEL,), "mask_lost": (FLAG_MASK_LOST,), "any": ("*",)}
PAGE_SIZE = 50
#: What just happened, as it travels in a redirect (a code, never free text in a URL); the
#: words are in review_notice.html.
DONE = ("saved", "approved", "rejected", "reverted", "commented", "unchanged")


def can_do(request: Request, action: Action, lang: str) -> bool:
    """Whether the signed-in person may do `action` in `lang` (to claim, or offer a button)."""
    return permissions.can(current_user(request), action, lang,
                           four_eyes=settings(request).four_eyes)


def _done(params: Any) -> str | None:
    value = params.get("done")
    return value if value in DONE else None


@dataclass(frozen=True)
class Query:
    """The queue filters as they travel in URLs and forms (status, article, flag, check, q)."""

    statuses: tuple[str, ...] = ()
    article: str = ""
    flag: str = ""
    check: str = ""
    search: str = ""

    @classmethod
    def of(cls, params: Any) -> Query:
        statuses = tuple(s for s in params.getlist("status") if s)
        flag = params.get("flag", "") or ""
        if flag and flag not in FLAGS:
            raise UsageError(f"flag must be one of {', '.join(FLAGS)}, not {flag[:40]!r}")
        return cls(statuses=statuses, article=(params.get("article") or "").strip(),
                   flag=flag, check=(params.get("check") or "").strip(),
                   search=(params.get("q") or "").strip()[:200])

    def pairs(self) -> list[tuple[str, str]]:
        out = [("status", s) for s in self.statuses]
        for key, value in (("article", self.article), ("flag", self.flag),
                           ("check", self.check), ("q", self.search)):
            if value:
                out.append((key, value))
        return out

    def url(self, **extra: str | None) -> str:
        """The query string with these filters and extra parameters (None ones left out)."""
        pairs = self.pairs() + [(k, v) for k, v in extra.items() if v]
        return ("?" + urlencode(pairs)) if pairs else ""

    def library(self, request: Request, lang: str) -> rq.QueueQuery:
        failing = None
        if self.check:
            from pipeline.checks.live import failing as make
            from pipeline.checks.run import build_options

            failing = make(store(request), lang, self.check, build_options(settings(request)))
            if failing is None:  # the check does not apply to this language: nothing fails it
                failing = _never
        return rq.QueueQuery(statuses=rq.parse_statuses(self.statuses), article=self.article or None,
                             flags=FLAGS.get(self.flag, ()), search=self.search or None,
                             failing=failing)


def _never(source: str, text: str | None) -> bool:
    return False


def _hx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def queue_page(request: Request) -> Response:
    lang = require_lang(request, request.path_params["lang"])
    user = require(request, Action.VIEW, lang)
    query = Query.of(request.query_params)
    after = request.query_params.get("after") or None
    leaving = request.query_params.get("left")  # back from a unit: give it back to the queue
    if leaving and can_do(request, Action.EDIT, lang):
        rq.release(store(request), user.name, lang=lang, unit_ids=[leaving])
    from pipeline.checks.registry import CHECK_IDS

    page = rq.queue_page(store(request), lang, query.library(request, lang), who=user.name,
                         after=after, limit=PAGE_SIZE)
    return render(request, "review_queue.html", lang=lang, query=query, page=page,
                  after=after, check_ids=CHECK_IDS, flags=list(FLAGS),
                  source_lang=settings(request).source, now=now(),
                  statuses=[s.value for s in q.QUEUE_STATUSES], done=_done(request.query_params))


def _view(request: Request, lang: str, unit_id: str, *, text: str | None = None) -> UnitView:
    from pipeline.checks.live import checker, load_glossary
    from pipeline.checks.run import build_options

    st = store(request)
    return unit_view(st, unit_id, lang, source_lang=settings(request).source,
                     check=checker(st, lang, build_options(settings(request))),
                     contains=load_glossary(st, lang).contains, text=text)


def unit_page(request: Request) -> Response:
    lang = require_lang(request, request.path_params["lang"])
    user = require(request, Action.VIEW, lang)
    st = store(request)
    unit_id = q.resolve_unit(st, request.path_params["unit"])
    query = Query.of(request.query_params)
    leaving = request.query_params.get("left")  # the unit the person moved on from
    # Opening a unit claims it (a lease, no text changes) only when the person opened it from
    # this site or typed the address: a link on another site (a GET carries the Lax cookie)
    # shows the unit without claiming or releasing anything.
    if can_do(request, Action.EDIT, lang) and _from_this_site(request):
        if leaving and leaving != unit_id:
            rq.release(st, user.name, lang=lang, unit_ids=[leaving])
        _claim(request, unit_id, lang, user.name)
    return _unit_response(request, lang, unit_id, query,
                          at=request.query_params.get("at") or rq.position(st, unit_id, lang),
                          done=_done(request.query_params))


def _from_this_site(request: Request) -> bool:
    """The browser says the request came from this site, a bookmark or the address bar.

    Browsers send Sec-Fetch-Site on every request; clients without it (scripts, old browsers)
    are taken as the person's own requests.
    """
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def _claim(request: Request, unit_id: str, lang: str, who: str) -> None:
    """Claim the unit being opened; when someone else holds it the panel says who."""
    try:
        q.claim(store(request), unit_id, lang, who, minutes=settings(request).claim_minutes)
    except ConflictError:
        pass


def _unit_response(request: Request, lang: str, unit_id: str, query: Query, *, at: str | None,
                   status: int = 200, done: str | None = None, error: str | None = None,
                   draft: str | None = None,
                   conflict: dict[str, Any] | None = None) -> Response:
    user = require(request, Action.VIEW, lang)
    view = _view(request, lang, unit_id, text=draft)
    prev_id, next_id = rq.neighbours(store(request), lang, query.library(request, lang), at,
                                     who=user.name)
    template = "review_panel.html" if _hx(request) else "review_unit.html"
    item = view.item
    held = (item.claimed_by is not None and item.claimed_by != user.name
            and (item.claim_expires or "") > now())
    response = render(request, template, status=status, lang=lang, v=view, query=query, at=at,
                      taken_by=item.claimed_by if held else None,
                      taken_until=(item.claim_expires or "")[:16].replace("T", " "),
                      prev_id=prev_id, next_id=next_id, done=done, error=error, draft=draft,
                      conflict=conflict)
    if _hx(request):
        response.headers["HX-Push-Url"] = f"/review/{lang}/unit/{unit_id}{query.url(at=at)}"
    return response


def _go_next(request: Request, lang: str, unit_id: str, query: Query, at: str | None,
             done: str) -> Response:
    """After an action: the next unit of the queue (or the queue when none is left)."""
    user = require(request, Action.VIEW, lang)
    st = store(request)
    _, next_id = rq.neighbours(st, lang, query.library(request, lang), at, who=user.name)
    if next_id is None:
        target = f"/review/{lang}{query.url(done=done)}"
        if _hx(request):
            response = Response(status_code=204)
            response.headers["HX-Redirect"] = target
            return response
        return RedirectResponse(target, status_code=303)
    if _hx(request):
        if can_do(request, Action.EDIT, lang):
            _claim(request, next_id, lang, user.name)
        return _unit_response(request, lang, next_id, query,
                              at=rq.position(st, next_id, lang), done=done)
    return RedirectResponse(f"/review/{lang}/unit/{next_id}{query.url(done=done)}",
                            status_code=303)


def _form_text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _revision(form: FormData) -> int:
    raw = _form_text(form, "revision")
    if not raw.strip():
        raise UsageError("the form is missing the revision it was based on; reload the page")
    return whole_number(raw, "the form's revision")


async def save(request: Request) -> Response:
    """Save (and with `approve` set, approve) the text; a changed revision gets the conflict view."""
    from anyio import to_thread

    form = await request.form()
    return await to_thread.run_sync(lambda: _save(request, form))


def _save(request: Request, form: FormData) -> Response:
    lang = require_lang(request, request.path_params["lang"])
    st = store(request)
    unit_id = q.resolve_unit(st, request.path_params["unit"])
    query = Query.of(form)
    at = _form_text(form, "at") or rq.position(st, unit_id, lang)  # before the action moves it
    revision = _revision(form)
    text = _form_text(form, "text").replace("\r\n", "\n")
    wants_approve = _form_text(form, "do") == "approve"
    current = tr.get(st, unit_id, lang)
    rules = actions.Rules(four_eyes=settings(request).four_eyes)
    # A different revision is saved as an edit too, so the store reports the conflict.
    changed = text.strip() != (current.text or "").strip() or current.revision != revision
    done = "unchanged"
    try:
        if changed:
            user = require(request, Action.EDIT, lang)
            current = actions.edit(st, unit_id, lang, text, who=user.name, revision=revision)
            revision, done = current.revision, "saved"
        if wants_approve:
            user = require(request, Action.APPROVE, lang, author=current.translated_by)
            actions.approve(st, unit_id, lang, who=user.name, revision=revision, rules=rules)
            done = "approved"
    except ConflictError as exc:
        now = tr.get(st, unit_id, lang)
        if now.revision != revision:  # someone saved meanwhile: show theirs, keep ours, ask
            return _unit_response(request, lang, unit_id, query, at=at, status=409, draft=text,
                                  conflict=_theirs(st, unit_id, lang, now))
        return _unit_response(request, lang, unit_id, query, at=at, status=409, draft=text,
                              error=exc.message)
    except (UsageError, TransitionError) as exc:
        return _unit_response(request, lang, unit_id, query, at=at, status=status_of(exc),
                              draft=text, error=exc.message)
    except (PermissionDenied, PolicyError) as exc:
        if not changed:
            raise
        # Saved, but the approval was refused (four-eyes): stay on the unit and say why.
        return _unit_response(request, lang, unit_id, query, at=at, status=403, done="saved",
                              error=exc.message)
    return _go_next(request, lang, unit_id, query, at, done)


def _theirs(st: Any, unit_id: str, lang: str, now: tr.Translation) -> dict[str, Any]:
    """The text someone else saved meanwhile, with who saved it and when (for the conflict)."""
    from pipeline.review.history import unit_history

    last = next((e for e in reversed(unit_history(st, unit_id, lang))
                 if e["revision"] == now.revision and e["action"] != "comment"), None)
    return {"text": now.text, "status": now.status, "revision": now.revision,
            "who": last["who"] if last else None, "at": last["at"] if last else None}


@dataclass(frozen=True)
class _Act:
    """What every action on one unit starts from: the checked person, the unit, where it was."""

    request: Request
    form: FormData
    lang: str
    who: str
    unit_id: str
    query: Query
    at: str | None

    def field(self, name: str) -> str:
        return _form_text(self.form, name)

    def unit(self, *, status: int = 200, done: str | None = None,
             error: str | None = None) -> Response:
        return _unit_response(self.request, self.lang, self.unit_id, self.query, at=self.at,
                              status=status, done=done, error=error)

    def next(self, done: str) -> Response:
        return _go_next(self.request, self.lang, self.unit_id, self.query, self.at, done)


async def _unit_action(request: Request, action: Action,
                       run: Callable[[_Act], Response]) -> Response:
    """Read the form, check `action` on the unit's language server-side, then `run` off the loop."""
    from anyio import to_thread

    form = await request.form()

    def work() -> Response:
        lang = require_lang(request, request.path_params["lang"])
        user = require(request, action, lang)
        st = store(request)
        unit_id = q.resolve_unit(st, request.path_params["unit"])
        at = _form_text(form, "at") or rq.position(st, unit_id, lang)  # before the action moves it
        return run(_Act(request, form, lang, user.name, unit_id, Query.of(form), at))

    return await to_thread.run_sync(work)


async def reject(request: Request) -> Response:
    def run(a: _Act) -> Response:
        try:
            actions.reject(store(request), a.unit_id, a.lang, a.field("reason"), who=a.who,
                           revision=_revision(a.form))
        except (ConflictError, UsageError, TransitionError) as exc:
            return a.unit(status=status_of(exc), error=exc.message)
        return a.next("rejected")

    return await _unit_action(request, Action.REJECT, run)


async def revert(request: Request) -> Response:
    def run(a: _Act) -> Response:
        if not a.field("event").strip():
            raise UsageError("pick the event whose text to restore")
        event = whole_number(a.field("event"), "the event to restore")
        try:
            actions.revert(store(request), a.unit_id, a.lang, event, who=a.who,
                           revision=_revision(a.form))
        except (ConflictError, TransitionError) as exc:
            return a.unit(status=409, error=exc.message)
        return a.unit(done="reverted")

    return await _unit_action(request, Action.REVERT, run)


async def comment(request: Request) -> Response:
    def run(a: _Act) -> Response:
        try:
            comments.add(store(request), a.unit_id, a.lang, a.field("text"), who=a.who)
        except UsageError as exc:
            return a.unit(status=400, error=exc.message)
        if _hx(request):
            return a.unit(done="commented")
        return RedirectResponse(f"/review/{a.lang}/unit/{a.unit_id}"
                                f"{a.query.url(at=a.at, done='commented')}#comments",
                                status_code=303)

    return await _unit_action(request, Action.COMMENT, run)


async def check(request: Request) -> Response:
    """The checks' findings on the text being typed (an htmx fragment); changes nothing."""
    from anyio import to_thread

    form = await request.form()

    def run() -> Response:
        lang = require_lang(request, request.path_params["lang"])
        require(request, Action.VIEW, lang)
        from pipeline.checks.live import checker
        from pipeline.checks.run import build_options

        st = store(request)
        unit_id = q.resolve_unit(st, request.path_params["unit"])
        item = q.item(st, unit_id, lang)
        findings = checker(st, lang, build_options(settings(request)))(
            unit_id, item.source, _form_text(form, "text"))
        return render(request, "review_findings.html", findings=findings)

    return await to_thread.run_sync(run)


async def bulk_approve(request: Request) -> Response:
    from anyio import to_thread

    form = await request.form()

    def run() -> Response:
        lang = require_lang(request, request.path_params["lang"])
        user = require(request, Action.BULK_APPROVE, lang)
        picks = []
        for raw in form.getlist("pick"):
            uid, _, rev = str(raw).partition(":")
            if uid and rev:
                picks.append((uid, whole_number(rev, "a selected unit's revision")))
        if not picks:
            raise UsageError("nothing was selected to approve")
        result = rq.approve_selection(store(request), lang, picks, who=user.name,
                                      four_eyes=settings(request).four_eyes)
        query = Query.of(form)
        return render(request, "review_bulk.html", lang=lang, query=query, result=result)

    return await to_thread.run_sync(run)


routes = [
    Route("/review/{lang}", queue_page, methods=["GET"], name="review_queue"),
    Route("/review/{lang}/unit/{unit}", unit_page, methods=["GET"], name="review_unit"),
    Route("/review/{lang}/unit/{unit}/save", save, methods=["POST"], name="review_save"),
    Route("/review/{lang}/unit/{unit}/reject", reject, methods=["POST"], name="review_reject"),
    Route("/review/{lang}/unit/{unit}/revert", revert, methods=["POST"], name="review_revert"),
    Route("/review/{lang}/unit/{unit}/comment", comment, methods=["POST"],
          name="review_comment"),
    Route("/review/{lang}/unit/{unit}/check", check, methods=["POST"], name="review_check"),
    Route("/review/{lang}/approve", bulk_approve, methods=["POST"], name="review_bulk"),
]
