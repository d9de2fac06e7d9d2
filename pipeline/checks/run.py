"""Running the checks: options, the per-language loop, and reading the database or PO files."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.catalogs.pofile import CheckedPo
from pipeline.checks.base import Glossary, GlossaryTerm, Severity, UnitContext
from pipeline.checks.completeness import Completeness, Tally, word_count
from pipeline.checks.poinput import (
    Item,
    catalog_items,
    catalog_language,
    find_po_files,
    read_catalog,
)
from pipeline.checks.registry import enabled, validate_ids
from pipeline.errors import UsageError
from pipeline.models import Finding
from pipeline.states import Status
from pipeline.store.editions import is_placeholder
from pipeline.workspace import Settings

log = logging.getLogger(__name__)

#: In PO files a non-fuzzy entry is as good as approved: PO has no separate approval step.
PO_APPROVED = frozenset({Status.TRANSLATED.value, Status.APPROVED.value})
DB_APPROVED = frozenset({Status.APPROVED.value})
#: Statuses whose text is meant to be published, so it is checked. Rejected and stale text is
#: already known to need work; untranslated has none.
CHECKED_STATUSES = frozenset({Status.MACHINE.value, Status.TRANSLATED.value,
                              Status.APPROVED.value})


@dataclass(frozen=True, kw_only=True)
class CheckOptions:
    """Everything a check run needs, built from CLI flags and pipeline.toml in `build_options`."""

    langs: tuple[str, ...] = ()  # empty: every language found / every target
    source_lang: str = "en"
    min_approved: float = 0.0
    min_translated: float = 0.0
    min_approved_by_lang: Mapping[str, float] = field(default_factory=dict)
    min_translated_by_lang: Mapping[str, float] = field(default_factory=dict)
    by_article: bool = False
    fail_on: Severity = Severity.ERROR
    disabled: tuple[str, ...] = ()
    length_ratio_max: float = 3.0

    def required(self, kind: str, lang: str) -> float:
        """The percentage of units that must be `kind` ('approved' or 'translated') in `lang`."""
        by_lang, default = ((self.min_approved_by_lang, self.min_approved) if kind == "approved"
                            else (self.min_translated_by_lang, self.min_translated))
        # fa_IR falls back to fa's setting, then to the global one.
        return by_lang.get(lang, by_lang.get(_base(lang), default))


def _base(lang: str) -> str:
    """The language without its region: fa_IR -> fa."""
    return lang.replace("-", "_").split("_")[0]


def _percent_flag(name: str, value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 100:
        raise UsageError(f"{name} must be a percentage from 0 to 100, not {value:g}")
    return value


def build_options(
    settings: Settings | None,
    *,
    langs: tuple[str, ...] = (),
    min_approved: float | None = None,
    min_translated: float | None = None,
    by_article: bool = False,
    fail_on: str = "error",
    disabled: tuple[str, ...] = (),
) -> CheckOptions:
    """Merge flags over pipeline.toml: a threshold flag replaces the per-language settings too."""
    try:
        severity = Severity(fail_on)
    except ValueError:
        raise UsageError(f"--fail-on must be error or warning, not {fail_on!r}") from None
    _percent_flag("--min-approved", min_approved)
    _percent_flag("--min-translated", min_translated)
    s = settings
    all_disabled = tuple(dict.fromkeys((*(s.disabled_checks if s else ()), *disabled)))
    validate_ids(all_disabled, where="disabled check")
    return CheckOptions(
        langs=langs,
        source_lang=s.source if s else "en",
        min_approved=min_approved if min_approved is not None else (s.min_approved if s else 0.0),
        min_translated=(min_translated if min_translated is not None
                        else (s.min_translated if s else 0.0)),
        min_approved_by_lang={} if min_approved is not None or not s else s.min_approved_by_lang,
        min_translated_by_lang=({} if min_translated is not None or not s
                                else s.min_translated_by_lang),
        by_article=by_article,
        fail_on=severity,
        disabled=all_disabled,
        length_ratio_max=s.length_ratio_max if s else 3.0,
    )


@dataclass(frozen=True)
class Threshold:
    """One completeness requirement of one language and whether it is met."""

    kind: str  # approved | translated
    required: float
    actual: float

    @property
    def passed(self) -> bool:
        return self.actual >= self.required


@dataclass(frozen=True)
class LanguageResult:
    """Completeness, thresholds and findings of one target language."""

    lang: str
    completeness: Completeness
    thresholds: tuple[Threshold, ...]
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...] = ()
    articles: tuple[Completeness, ...] = ()
    checked: int = 0
    #: (article, changed units, of them with a machine suggestion, notes not approved): the
    #: English changed after approval; editions show the older approved text meanwhile.
    corrections: tuple[tuple[str, int, int, int], ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """The outcome of one `pipeline check` run."""

    origin: str  # database | po
    inputs: tuple[str, ...]
    fail_on: Severity
    languages: tuple[LanguageResult, ...]

    def failing(self, result: LanguageResult) -> list[Finding]:
        """Findings at or above the --fail-on severity."""
        return [f for f in result.findings if Severity(f.severity).rank >= self.fail_on.rank]

    @property
    def failed_thresholds(self) -> list[tuple[str, Threshold]]:
        return [(r.lang, t) for r in self.languages for t in r.thresholds if not t.passed]

    @property
    def passed(self) -> bool:
        return not self.failed_thresholds and not any(self.failing(r) for r in self.languages)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def check_language(
    lang: str,
    items: Iterable[Item],
    options: CheckOptions,
    *,
    glossary: Glossary | None = None,
    suppressions: Mapping[tuple[str, str], str] | None = None,
    approved_statuses: frozenset[str] = DB_APPROVED,
) -> LanguageResult:
    """Run every enabled check over one language's items and count completeness."""
    checks = [(c.check_id, c.severity.value, c.check) for c in enabled(lang, options.disabled)]
    # An empty translation gets only the empty check: the others would repeat it as noise.
    empty_checks = [c for c in checks if c[0] == "empty"]
    ctx = UnitContext(lang=lang, source_lang=options.source_lang,
                      glossary=glossary or Glossary(), length_ratio_max=options.length_ratio_max)
    plural_ctx = replace(ctx, plural_form=True)
    placeholder_ctx = {False: replace(ctx, placeholder_text=True),
                       True: replace(plural_ctx, placeholder_text=True)}
    suppressions = suppressions or {}
    total = Tally()
    per_article: dict[str, Tally] = {}
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    checked = 0
    for item in items:
        words = word_count(item.source)
        total.add(item.status, words)
        if options.by_article:
            per_article.setdefault(item.article, Tally()).add(item.status, words)
        if not item.pairs:
            continue
        checked += 1
        unit_ctx = (placeholder_ctx[item.plural] if item.placeholder
                    else plural_ctx if item.plural else ctx)
        for source, target in item.pairs:
            for check_id, severity, check in (checks if target.strip() else empty_checks):
                message = check(source, target, unit_ctx)
                if message is None:
                    continue
                extra = {"source": source, "target": target}
                if item.where:
                    extra["where"] = item.where
                reason = (suppressions.get((item.unit_id, check_id))
                          or dict(item.suppressed).get(check_id))
                if reason is not None:
                    extra["reason"] = reason
                (findings if reason is None else suppressed).append(
                    Finding(check_id, severity, message, unit_id=item.unit_id, lang=lang,
                            article=item.article, extra=extra))
    completeness = total.freeze(lang, None, approved_statuses=approved_statuses)
    thresholds = tuple(
        Threshold(kind, required, actual)
        for kind, actual in (("approved", completeness.approved_percent),
                             ("translated", completeness.translated_percent))
        if (required := options.required(kind, lang)) > 0
    )
    articles = tuple(t.freeze(lang, a, approved_statuses=approved_statuses)
                     for a, t in sorted(per_article.items()))
    return LanguageResult(lang, completeness, thresholds, tuple(findings), tuple(suppressed),
                          articles, checked)


def run_database(settings: Settings, options: CheckOptions) -> CheckReport:
    """Check the workspace database: every live unit in each target language."""
    from pipeline.store import checks as queries
    from pipeline.store import open_store

    langs = options.langs or settings.targets
    results = []
    from pipeline.store.editions import pending_corrections

    with open_store(settings.database) as store:
        pending = pending_corrections(store, langs)
        all_suppressions = queries.suppressions(store, langs)
        for lang in langs:
            glossary = _glossary(queries.glossary_terms(store, lang))
            supp = {(u, c): r for (u, lg, c), r in all_suppressions.items() if lg == lang}
            items = (
                Item(r.unit_id, r.article, r.source, r.status,
                     ((r.source, r.text or ""),) if r.status in CHECKED_STATUSES else (),
                     placeholder=is_placeholder(r.flags, r.origin))
                for r in queries.check_rows(store, [lang])
            )
            result = check_language(lang, items, options, glossary=glossary, suppressions=supp)
            results.append(replace(result, corrections=tuple(
                (p.slug, p.changed, p.suggested, p.notes) for p in pending if p.lang == lang)))
    return CheckReport("database", (str(settings.database),), options.fail_on, tuple(results))


def _glossary(rows: list[tuple[str, str | None, bool]]) -> Glossary:
    return Glossary.of([GlossaryTerm(t, tr, dnt) for t, tr, dnt in rows])


def run_po(paths: Iterable[Path], options: CheckOptions, *,
           settings: Settings | None = None) -> CheckReport:
    """Check PO catalogs (files, or directories searched for .po). All files are read first, so
    a malformed one stops the run before any report."""
    files = find_po_files(list(paths))
    by_lang: dict[str, list[Item]] = {}
    headers: dict[str, list[Finding]] = {}
    for path in files:
        catalog = read_catalog(path)
        lang = catalog_language(path, catalog)
        if options.langs and lang not in options.langs and _base(lang) not in options.langs:
            continue
        by_lang.setdefault(lang, []).extend(catalog_items(path, catalog))
        if (finding := _plural_forms_finding(path, catalog, lang)) is not None:
            headers.setdefault(lang, []).append(finding)
    glossaries: dict[str, Glossary] = {}
    if settings is not None and settings.database.is_file():
        from pipeline.store import checks as queries
        from pipeline.store import open_store

        with open_store(settings.database) as store:
            glossaries = {lang: _glossary(queries.glossary_terms(store, lang)) for lang in by_lang}
    found = set(by_lang) | {_base(lang) for lang in by_lang}
    missing = [lang for lang in options.langs if lang not in found]
    if missing:
        raise UsageError(f"--lang {','.join(missing)}: no catalog in that language under --po")
    results = tuple(
        _with_file_findings(
            check_language(lang, by_lang[lang], options, glossary=glossaries.get(lang),
                           approved_statuses=PO_APPROVED),
            headers.get(lang, ()))
        for lang in sorted(by_lang)
    )
    log.info("checked %d PO files", len(files))
    return CheckReport("po", tuple(str(f) for f in files), options.fail_on, results)


#: The id of the file-level finding about a catalog's Plural-Forms header (not a per-unit check).
PLURAL_FORMS_CHECK = "plural_forms"


def _plural_forms_finding(path: Path, catalog: CheckedPo, lang: str) -> Finding | None:
    """A warning when the header's plural rule differs from the one pinned for the language:
    a translator's tool or a library upgrade changed it, and msgstr[N] would change meaning."""
    from pipeline import languages

    header = catalog.header.get("Plural-Forms")
    if header is None:
        return None
    problem = languages.plural_forms_mismatch(lang, header)
    if problem is None:
        return None
    line = catalog.entries[0].line if catalog.entries else 1
    return Finding(PLURAL_FORMS_CHECK, Severity.WARNING.value,
                   f"{problem}; restore the header (pipeline po export writes it)",
                   lang=lang, article=str(path), extra={"where": f"{path}:{line}"})


def _with_file_findings(result: LanguageResult, extra: Iterable[Finding]) -> LanguageResult:
    extra = tuple(extra)
    return replace(result, findings=extra + result.findings) if extra else result
