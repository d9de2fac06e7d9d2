"""The editor's screen: readiness per article and language, the edition preview, publishing, the
dashboard. Each handler asks permissions, calls one library function and renders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipeline.export.policy import Policy, decisions
from pipeline.export.publish import ExportOptions, ExportReport, publish
from pipeline.permissions import Action
from pipeline.store import editions as rows
from pipeline.web.context import form_data, render, require, require_lang, settings, store

#: Articles per page of the editor's list (newest first, as the editions' index).
PAGE = 50
#: The preview is a whole other document (the edition's own stylesheet, no script): it is shown
#: in a sandboxed iframe and itself forbids scripts, forms and plugins, whoever opens it.
PREVIEW_CSP = ("sandbox; default-src 'none'; style-src 'self'; img-src 'self' data:; "
               "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def articles(request: Request) -> Response:
    user = require(request, Action.EDITOR)
    s = settings(request)
    st = store(request)
    page = max(1, _int(request.query_params.get("page"), 1))
    metas = rows.articles(st)
    shown = metas[(page - 1) * PAGE: page * PAGE]
    langs = [lang for lang in s.targets if user.works_in(lang)]
    policy = Policy.from_settings(s)
    decided = {}
    for meta in shown:
        decided.update(decisions(s, [meta], rows.tallies(st, s.targets, article=meta.slug),
                                 policy))
    return render(request, "editor/articles.html", metas=shown, decided=decided, langs=langs,
                  page=page, pages=max(1, -(-len(metas) // PAGE)), total=len(metas))


def article(request: Request) -> Response:
    slug = request.path_params["slug"]
    lang = require_lang(request, request.path_params["lang"])
    require(request, Action.EDITOR)
    require(request, Action.VIEW, lang)
    from pipeline.checks.readiness import article_readiness

    machine = request.query_params.get("include") == "machine"
    readiness = article_readiness(settings(request), store(request), slug, lang,
                                  include_machine=True if machine else None)
    return render(request, "editor/article.html", r=readiness, lang=lang, machine=machine,
                  include_machine_default=settings(request).include_machine)


def preview(request: Request) -> Response:
    lang = request.path_params["lang"]
    slug = request.path_params["slug"]
    require(request, Action.EDITOR)
    from pipeline.export.preview import preview as render_preview

    machine = request.query_params.get("include") == "machine"
    got = render_preview(settings(request), store(request), slug, lang,
                         include_machine=True if machine else None)
    if got.html is None:
        body = render(request, "editor/held_back.html", decision=got.decision).body
        return Response(body, 200, media_type="text/html",
                        headers={"Content-Security-Policy": PREVIEW_CSP,
                                 "X-Frame-Options": "SAMEORIGIN"})
    return Response(got.html, 200, media_type="text/html",
                    headers={"Content-Security-Policy": PREVIEW_CSP,
                             "X-Frame-Options": "SAMEORIGIN"})


def stylesheet(request: Request) -> Response:
    from pipeline.export.preview import stylesheet as css

    # Public like /static/: the sandboxed preview has no origin, so its request carries no
    # session cookie. It is the product's stylesheet, not workspace data.
    return Response(css(), 200, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})


def publish_edition(request: Request) -> Response:
    s = settings(request)
    form = form_data(request)
    lang = form.get("lang", "")
    langs = s.languages if lang == "all" else (require_lang(request, lang),)
    for one in langs:
        require(request, Action.PUBLISH, one)
    report = run_publish(request, langs, include_machine=form.get("include") == "machine")
    return render(request, "editor/published.html", report=report,
                  highlight=form.get("slug") or None)


def run_publish(request: Request, langs: tuple[str, ...], *,
                include_machine: bool) -> ExportReport:
    """The same library call as `pipeline export --lang ...` with the workspace's settings."""
    s = settings(request)
    return publish(s, ExportOptions(out=s.editions, langs=langs, formats=s.formats,
                                    include_machine=True if include_machine else None))


def dashboard(request: Request) -> Response:
    require(request, Action.EDITOR)
    from pipeline.review.activity import progress, weekly_activity

    st = store(request)
    return render(request, "dashboard.html", progress=progress(st, settings(request).targets),
                  activity=weekly_activity(st))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


routes = [
    Route("/editor", articles, name="editor"),
    Route("/editor/{slug}/{lang}", article, name="editor_article"),
    Route("/editor/publish", publish_edition, methods=["POST"], name="publish"),
    Route("/preview/assets/edition.css", stylesheet, name="preview_css"),
    Route("/preview/{lang}/{slug}.html", preview, name="preview"),
    Route("/dashboard", dashboard, name="dashboard"),
]
