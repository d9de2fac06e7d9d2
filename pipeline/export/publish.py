"""One export run: apply the policy to every article and language, render each format, write."""

from __future__ import annotations

import datetime as dt
import gettext
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import atomicfile
from pipeline.errors import UsageError
from pipeline.export import formats, i18n, outdir, workers
from pipeline.export.base import Exporter
from pipeline.export.pages import Edition, IndexEntry, Label, Site, entry_of_row
from pipeline.export.policy import CORRECTION_PENDING, Decision, Policy
from pipeline.export.sitemaps import SITEMAP
from pipeline.export.writer import MANIFEST, EditionWriter
from pipeline.store import editions as rows
from pipeline.store import open_store
from pipeline.store.editions import Credit
from pipeline.store.revisions import source_changed_at
from pipeline.workspace import Settings

log = logging.getLogger(__name__)

SHARED = "*"  # manifest key of files shared by every language (stylesheet)


@dataclass(frozen=True)
class ExportOptions:
    """What one run exports; built from the command line in exactly one place (the CLI)."""

    out: Path
    langs: tuple[str, ...]
    formats: tuple[str, ...] = ("html",)
    include_machine: bool | None = None  # None: pipeline.toml decides
    base_url: str | None = None  # None: pipeline.toml decides
    today: dt.date | None = None  # for the news sitemap's "last two days"; None: today (UTC)
    jobs: int | None = None  # worker processes building pages; None: one per core


@dataclass
class LangReport:
    """What one language edition published and held back, and why."""

    lang: str
    published: list[Decision] = field(default_factory=list)
    held_back: list[Decision] = field(default_factory=list)
    has_catalog: bool = True

    @property
    def placeholder(self) -> list[str]:
        """Published articles holding placeholder text from a random-weight test model."""
        return [d.slug for d in self.published if d.test_model]

    @property
    def unreviewed(self) -> list[str]:
        return [d.slug for d in self.published if d.unreviewed]

    @property
    def correction_pending(self) -> list[Decision]:
        """Published articles whose English changed since the translation shown was approved."""
        return [d for d in self.published if d.status == CORRECTION_PENDING]


@dataclass
class ExportReport:
    """The outcome of a run, for the CLI to print (or to dump as JSON)."""

    out: Path
    formats: tuple[str, ...]
    include_machine: bool
    languages: dict[str, LangReport]
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    sitemap: bool = False  # the output holds sitemap.xml and robots.txt (needs a base URL)

    @property
    def placeholder(self) -> bool:
        return any(r.placeholder for r in self.languages.values())

    def to_dict(self) -> dict[str, Any]:
        def decision(d: Decision) -> dict[str, Any]:
            out = {"slug": d.slug, "status": d.status, "reason": d.reason, "units": d.units,
                   "publishable": d.publishable, "unreviewed": d.unreviewed,
                   "placeholder_units": d.test_model}
            if d.status == CORRECTION_PENDING:
                out.update(pending_units=d.pending, added_units=d.added,
                           notes_pending=d.notes_pending, next_step=d.next_step)
            return out

        return {
            "out": str(self.out), "formats": list(self.formats),
            "include_machine": self.include_machine,
            "placeholder_text": self.placeholder,
            "languages": {
                lang: {
                    "published": [decision(d) for d in r.published],
                    "held_back": [{"slug": d.slug, "reason": d.reason, "next_step": d.next_step}
                                  for d in r.held_back],
                    "correction_pending": [d.slug for d in r.correction_pending],
                    "placeholder_articles": r.placeholder,
                    "edition_strings": r.has_catalog,
                }
                for lang, r in self.languages.items()
            },
            "files": {"written": len(self.written), "unchanged": self.unchanged,
                      "removed": len(self.removed)},
            "sitemap": self.sitemap,
        }


def publish(
    settings: Settings, options: ExportOptions, *, progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Export the editions `options` asks for, as `_publish` says, one export at a time per
    output directory (a second waits for the first: its sweep of leftover temporaries would
    take the first's files), and only into a directory the editions may own (`outdir`)."""
    outdir.check_edition_dir(options.out, settings.root)
    writer = EditionWriter(options.out)
    with atomicfile.directory_lock(writer.root, what="another export"):
        with outdir.claimed(writer.root):
            return _publish(settings, options, writer, progress=progress)


def _publish(
    settings: Settings, options: ExportOptions, writer: EditionWriter, *,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Export the editions `options` asks for; files change only where the content changed.

    Every language's decisions are computed, so hreflang links and the language switcher point
    only at editions that publish the article, and only at pages that exist in --out (this run's
    languages and those an earlier run left there) or, with a base URL, are published there.
    """
    all_langs = settings.languages
    langs = tuple(dict.fromkeys(options.langs))
    unknown = [lang for lang in langs if lang not in all_langs]
    if unknown or not langs:
        raise UsageError(f"--lang {','.join(unknown) or '(none)'} is not a language of this "
                         f"workspace ({','.join(all_langs)})")
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(f"--jobs {options.jobs} is not a number of processes (1 or more)")
    exporter_classes = [formats.get(name) for name in dict.fromkeys(options.formats)]
    if not exporter_classes:
        raise UsageError("no edition format given (use --format html, markdown or json)")
    policy = Policy.from_settings(settings, include_machine=options.include_machine)
    site = site_of(settings)
    old_manifest = writer.read_manifest()
    for lang in langs:
        writer.sweep_temporaries(lang)

    editions = {
        lang: Edition(lang=lang, source=settings.source, languages=all_langs,
                      translations=(gettext.NullTranslations() if lang == settings.source
                                    else i18n.translations(lang)),
                      calendar=settings.persian_calendar,
                      base_url=options.base_url or settings.base_url, site=site, written=langs)
        for lang in langs
    }
    exporters: dict[str, list[Exporter]] = {
        lang: [cls(ed) for cls in exporter_classes] for lang, ed in editions.items()
    }
    for per_lang in exporters.values():
        for exp in per_lang:
            exp.existing = frozenset(_others(old_manifest.get(exp.name, {}), langs))
    report = ExportReport(out=writer.root, formats=tuple(c.name for c in exporter_classes),
                          include_machine=policy.include_machine,
                          languages={lang: LangReport(lang, has_catalog=(
                              lang == settings.source or i18n.has_catalog(lang)))
                              for lang in langs})
    manifest: dict[str, dict[str, list[str]]] = {
        cls.name: {lang: [] for lang in langs} for cls in exporter_classes
    }
    entries: dict[str, dict[str, IndexEntry]] = {lang: {} for lang in langs}
    today = options.today or dt.datetime.now(dt.UTC).date()

    jobs = options.jobs or workers.default_jobs()
    with writer.batch():
        for lang in langs:
            writer.stage(lang)  # a language new to --out is built aside and renamed in at the end
        content_langs = tuple(lang for lang in langs if lang != settings.source)
        with open_store(settings.database) as store:
            metas = rows.articles(store)
            source_changed = source_changed_at(store)
        # Closed before workers fork: each opens its own connection (a connection must not
        # cross a fork), and reads the counts, credits and dates of its own articles.
        job = workers.Job(database=settings.database, langs=langs, all_langs=all_langs,
                          content_langs=content_langs, editions=editions, exporters=exporters,
                          policy=policy, settings=settings, credit=site.credit_translators,
                          source_changed=source_changed, writer=writer, today=today)
        decided: dict[str, dict[str, Decision]] = {}
        labels: dict[tuple[str, str], Label] = {}
        credits: dict[tuple[Any, ...], Credit] = {}

        def pages_done(out: workers.Output) -> None:
            workers.merge_files(manifest, out.files)
            for lang, done in out.entries.items():
                listed = entries[lang]
                for row in done:
                    listed[row[0]] = entry_of_row(row, labels, credits)
            decided.update(out.decided)
            if progress:
                progress(out.articles)

        workers.run(job, workers.chunks(metas, jobs), workers.article_pages, jobs, pages_done)
        for meta in metas:  # the report lists articles in the index's order
            for lang in langs:
                d = decided[meta.slug][lang]
                (report.languages[lang].published if d.published
                 else report.languages[lang].held_back).append(d)
        job.listed = {lang: [entries[lang][m.slug] for m in metas if m.slug in entries[lang]]
                      for lang in langs}
        workers.run(job, workers.file_tasks(job), workers.edition_files, jobs,
                    lambda out: workers.merge_files(manifest, out.files))
        for exp in exporters[langs[0]]:  # shared files: once per format, not per language
            present = [p for files in manifest[exp.name].values() for p in files]
            present += exp.existing
            for path, data in exp.site_files(present):
                writer.write(path, data)
                manifest[exp.name].setdefault(SHARED, []).append(path)

    _withdraw(writer, old_manifest, manifest)
    merged = {name: dict(per) for name, per in old_manifest.items()}
    for name, per in manifest.items():
        merged.setdefault(name, {}).update(per)
    writer.write_manifest(merged)
    report.written = [p for p in writer.counts.written if p != MANIFEST]
    report.unchanged = writer.counts.unchanged - (MANIFEST not in writer.counts.written)
    report.removed = writer.counts.removed
    report.sitemap = any(p == SITEMAP for files in merged.get("html", {}).values() for p in files)
    return report


#: Largest logo copied into the edition.
MAX_LOGO_BYTES = 2 * 1024 * 1024


def site_of(settings: Settings) -> Site:
    """The site settings the editions share; the logo is read here (one error naming it)."""
    logo = data = None
    if settings.logo is not None:
        from pipeline import inputfile

        # The one safe reader: a FIFO put there never blocks the export, whatever the moment.
        data = inputfile.read_bytes(settings.logo, max_bytes=MAX_LOGO_BYTES, what="site.logo")
        logo = f"assets/logo{settings.logo.suffix.lower()}"
    return Site(name=settings.site_name, name_by_lang=dict(settings.site_name_by_lang),
                logo=logo, logo_bytes=data, credit_translators=settings.credit_translators,
                page_size=settings.page_size, feed_size=settings.feed_size)


def _others(per_lang: dict[str, list[str]], langs: Sequence[str]) -> list[str]:
    """Files an earlier run wrote for the languages this run leaves alone."""
    return [p for lang, files in per_lang.items() if lang not in langs and lang != SHARED
            for p in files]


def _withdraw(writer: EditionWriter, old: dict[str, dict[str, list[str]]],
              new: dict[str, dict[str, list[str]]]) -> None:
    """Remove pages an earlier run wrote that this run no longer publishes (held back now)."""
    for name, per_lang in new.items():
        for lang, files in per_lang.items():
            keep = set(files)
            for path in old.get(name, {}).get(lang, []):
                if path not in keep:
                    writer.remove(path)
