"""Is one article ready to publish in one language: units by status, the policy's decision and
the findings of the same check registry `pipeline check` runs (errors block, warnings inform)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.checks.base import Glossary, GlossaryTerm, Severity
from pipeline.checks.poinput import Item
from pipeline.checks.run import CHECKED_STATUSES, build_options, check_language
from pipeline.export.policy import Decision, Policy
from pipeline.export.preview import article_decisions, find_meta
from pipeline.models import Finding
from pipeline.states import Status
from pipeline.store import Store
from pipeline.store import checks as queries
from pipeline.store.readiness import article_check_rows
from pipeline.workspace import Settings


@lru_cache(maxsize=16)
def _glossary(rows: tuple[tuple[str, str | None, bool], ...]) -> Glossary:
    # Compiling the term patterns costs more than checking an article; the terms rarely change,
    # so the same rows give the same compiled glossary.
    return Glossary.of([GlossaryTerm(t, x, keep) for t, x, keep in rows])


@dataclass(frozen=True)
class Readiness:
    """What the editor's screen shows about one article in one language."""

    slug: str
    lang: str
    title: str
    total: int
    by_status: dict[str, int]
    decision: Decision
    blocking: tuple[Finding, ...]  # error findings: `pipeline check` fails on them
    warnings: tuple[Finding, ...]
    suppressed: int

    @property
    def ready(self) -> bool:
        """Published under the policy and no error finding."""
        return self.decision.published and not self.blocking


def article_readiness(settings: Settings, store: Store, slug: str, lang: str, *,
                      include_machine: bool | None = None) -> Readiness:
    """Readiness of `slug` in target language `lang`."""
    meta = find_meta(store, slug)
    policy = Policy.from_settings(settings, include_machine=include_machine)
    decision = article_decisions(settings, store, slug, policy)[lang]
    rows = list(article_check_rows(store, slug, lang))
    by_status = {s.value: 0 for s in Status}
    for r in rows:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    options = build_options(settings, langs=(lang,))
    supp = {(u, c): reason for (u, _lg, c), reason in queries.suppressions(store, [lang]).items()}
    items = (Item(r.unit_id, r.article, r.source, r.status,
                  ((r.source, r.text or ""),) if r.status in CHECKED_STATUSES else ())
             for r in rows)
    result = check_language(lang, items, options, suppressions=supp,
                            glossary=_glossary(tuple(queries.glossary_terms(store, lang))))
    blocking = tuple(f for f in result.findings if Severity(f.severity) is Severity.ERROR)
    warnings = tuple(f for f in result.findings if Severity(f.severity) is not Severity.ERROR)
    return Readiness(slug, lang, meta.title, len(rows), by_status, decision, blocking, warnings,
                     len(result.suppressed))
