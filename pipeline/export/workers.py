"""Building and writing an export's pages in worker processes over the cores, or in this one.

A run is cut into tasks: article pages by contiguous chunks of slugs (each content row is read
once, for every language, by the one process that builds the chunk), then every edition's
listings, feeds and sitemaps by language and part. Workers are forked from the run's process, so
they start with its templates, decisions and credits already built; each opens its own
read-only connection to the store and writes into the same staging directories and batch as
its parent (files it creates are handed back, to be renamed in or removed with the batch).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import WorkerFailed
from pipeline.export.base import Exporter
from pipeline.export.pages import Edition, IndexEntry, IndexRow, article_page, index_row
from pipeline.export.policy import Decision, Policy, decisions
from pipeline.export.writer import EditionWriter, WriteCounts
from pipeline.store import editions as rows
from pipeline.store import open_reader
from pipeline.store.edition_stream import iter_tallied
from pipeline.store.editions import Credit
from pipeline.workspace import Settings

log = logging.getLogger(__name__)

#: Fewest articles a chunk holds: below that a task costs more to hand out than to do.
MIN_CHUNK = 25
#: Chunks per worker: enough that one slow chunk (a long article, a busy core) does not leave
#: the other workers idle at the end, few enough that each task's overhead stays small.
CHUNKS_PER_JOB = 6


def default_jobs() -> int:
    """The cores this process may run on (what `--jobs` is when not given)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no sched_getaffinity (macOS)
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether worker processes can be forked here: a system that forks well (not Windows, not
    macOS) and a process with no other thread (a thread holding a lock at the fork, in SQLite
    or logging, would leave it held forever in the child: the web server builds in-process)."""
    return ("fork" in multiprocessing.get_all_start_methods() and os.uname().sysname != "Darwin"
            and threading.active_count() == 1)


@dataclass
class Job:
    """Everything the tasks of one run share; forked workers inherit it as it is."""

    database: Path
    langs: tuple[str, ...]  # the editions this run writes
    all_langs: tuple[str, ...]  # every edition of the workspace (hreflang, switcher)
    content_langs: tuple[str, ...]  # the written editions that have translations
    editions: dict[str, Edition]
    exporters: dict[str, list[Exporter]]
    policy: Policy
    settings: Settings  # the workspace: its source and target languages for the decisions
    credit: bool  # read who translated and reviewed (export.credit_translators)
    source_changed: dict[str, str]
    writer: EditionWriter
    today: dt.date  # for the news sitemap's "last two days"
    listed: dict[str, list[IndexEntry]] = field(default_factory=dict)  # for the edition files


@dataclass
class Output:
    """What one task did: its files (format -> language -> paths), its index entries (as
    pages.index_row tuples: cheap to send between processes), the policy's decisions on its
    articles (slug -> language of the run -> Decision) and the writer's share of the batch
    (files written, unchanged, and temporaries to rename in)."""

    files: dict[str, dict[str, list[str]]]
    entries: dict[str, list[IndexRow]]
    counts: WriteCounts
    pending: list[tuple[Path, Path]]
    articles: int = 0
    decided: dict[str, dict[str, Decision]] = field(default_factory=dict)


#: The run a task works on: set before the workers fork (they inherit it) or run in-process.
_job: Job | None = None


def chunks(metas: Sequence[rows.ArticleMeta], jobs: int) -> list[list[rows.ArticleMeta]]:
    """`metas` in slug order cut into contiguous chunks (spans of slugs) for `jobs` workers."""
    ordered = sorted(metas, key=lambda m: m.slug)
    size = max(MIN_CHUNK, math.ceil(len(ordered) / (jobs * CHUNKS_PER_JOB)))
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def article_pages(chunk: list[rows.ArticleMeta]) -> Output:
    """Decide on one chunk of articles and build and write their pages in every language of
    the run.

    The chunk's counts, credits and dates are read here, for its span of slugs only: read once
    for the whole run in the parent, they were seconds no other process could share. The counts
    (the policy's tallies) and the per-language dates come with the contents, in one pass over
    the translation rows (store.edition_stream).
    """
    job = _current()
    settings, langs = job.settings, job.langs
    files: dict[str, dict[str, list[str]]] = {}
    entries: dict[str, list[IndexRow]] = {lang: [] for lang in langs}
    n = 0
    span = (chunk[0].slug, chunk[-1].slug)
    decided: dict[str, dict[str, Decision]] = {}
    with open_reader(job.database) as store:
        credits = (rows.credits(store, job.content_langs, job.policy.publishable, span=span)
                   if job.credit else {})
        source_dates = {slug: per[settings.source] for slug, per in
                        rows.article_dates(store, settings.source, (), span=span).items()}
        for read in iter_tallied(store, chunk, job.content_langs, settings.targets, source_dates):
            content = read.content
            slug = content.meta.slug
            per_lang = decided[slug] = decisions(settings, [content.meta],
                                                 {slug: read.tallies}, job.policy)[slug]
            if not any(per_lang[lang].published for lang in langs):
                continue
            alternates = tuple(lang for lang in job.all_langs if per_lang[lang].published)
            credit = credits.get(slug, {})
            dates = read.dates
            if settings.source in langs and slug in source_dates:
                dates = {**dates, settings.source: source_dates[slug]}
            for lang in langs:
                d = per_lang[lang]
                if not d.published:
                    continue
                page = article_page(content, d, job.editions[lang], job.policy, alternates,
                                    credit.get(lang, Credit()), article_dates=dates.get(lang),
                                    source_changed=job.source_changed.get(slug))
                entries[lang].append(index_row(page))
                for exp in job.exporters[lang]:
                    path = exp.article_path(slug)
                    job.writer.write(path, exp.render_article(page))
                    files.setdefault(exp.name, {}).setdefault(lang, []).append(path)
            n += 1
    # Articles without live units are not in the stream: decided on empty counts.
    missing = [m for m in chunk if m.slug not in decided]
    if missing:
        decided.update(decisions(settings, missing, {}, job.policy))
    counts, pending = job.writer.detach()
    return Output(files, entries, counts, pending, n,
                  {m.slug: {lang: decided[m.slug][lang] for lang in langs} for m in chunk})


def edition_files(task: tuple[str, int, str]) -> Output:
    """Write one part of one edition's files (listings, feeds, sitemaps) of one format."""
    job = _current()
    lang, index, part = task
    exp = job.exporters[lang][index]
    paths = []
    for path, data in exp.edition_files(job.listed[lang], today=job.today, part=part):
        job.writer.write(path, data)
        paths.append(path)
    counts, pending = job.writer.detach()
    return Output({exp.name: {lang: paths}}, {}, counts, pending)


def file_tasks(job: Job) -> list[tuple[str, int, str]]:
    """(language, exporter index, part) of every edition file task."""
    return [(lang, i, part) for lang in job.langs
            for i, exp in enumerate(job.exporters[lang]) for part in exp.parts]


def run(job: Job, tasks: Iterable[Any], work: Callable[[Any], Output], jobs: int,
        progress: Callable[[Output], None]) -> None:
    """Do `work` on every task, with `jobs` forked workers or in this process when jobs is 1.

    `progress` gets each task's Output in task order, in this process. A task's exception (a
    PipelineError, Ctrl-C) is raised here; on any error the workers are stopped first, so nothing
    keeps writing into a batch that is being discarded.
    """
    global _job
    tasks = list(tasks)
    jobs = min(jobs, len(tasks))
    _job = job
    try:
        if jobs <= 1 or not can_fork():
            for task in tasks:
                _deliver(job, work(task), progress)
            return
        _fork(job, tasks, work, jobs, progress)
    finally:
        _job = None


def _fork(job: Job, tasks: list[Any], work: Callable[[Any], Output], jobs: int,
          progress: Callable[[Output], None]) -> None:
    # Everything alive now is left out of the workers' garbage collections: a collection writes
    # to every object it visits, which would copy the parent's memory page by page into each
    # worker (Python's own advice for forking servers).
    gc.freeze()
    try:
        _fork_frozen(job, tasks, work, jobs, progress)
    finally:
        gc.unfreeze()


def _fork_frozen(job: Job, tasks: list[Any], work: Callable[[Any], Output], jobs: int,
                 progress: Callable[[Output], None]) -> None:
    ctx = multiprocessing.get_context("fork")
    claimed = ctx.Value("i", 0)  # the next task index: each worker claims one when it is free
    procs, conns = [], []
    try:
        for _ in range(jobs):
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_serve, args=(tasks, work, claimed, send), daemon=True)
            proc.start()
            send.close()  # the child's end: EOF here when the child is gone
            procs.append(proc)
            conns.append(receive)
        done: dict[int, Output] = {}
        delivered = 0
        live = list(conns)
        while live:
            for ready in multiprocessing.connection.wait(live):
                conn = live[[id(c) for c in live].index(id(ready))]
                try:
                    message: tuple[int, Any] = conn.recv()
                except EOFError:
                    proc = procs[conns.index(conn)]
                    proc.join()
                    raise WorkerFailed(f"an export worker process died (exit status "
                                       f"{proc.exitcode}); nothing was published, run it again"
                                       ) from None
                index, result = message
                if index == _FINISHED:
                    live.remove(conn)
                elif index == _FAILED:
                    raise result
                else:
                    done[index] = result
            while delivered in done:
                _deliver(job, done.pop(delivered), progress)
                delivered += 1
    except BaseException:
        for proc in procs:
            proc.terminate()  # nothing may write into the batch once it is being discarded
        for proc in procs:
            proc.join()
        for lang in job.langs:
            job.writer.sweep_temporaries(lang)  # what a stopped worker had begun
        raise
    finally:
        for conn in conns:
            conn.close()
    for proc in procs:
        proc.join()


def _deliver(job: Job, out: Output, progress: Callable[[Output], None]) -> None:
    job.writer.absorb(out.counts, out.pending)
    progress(out)


#: What a worker sends besides (task index, Output): it is done, or a task raised.
_FINISHED = -1
_FAILED = -2


def _serve(tasks: list[Any], work: Callable[[Any], Output], claimed: Any,
           conn: multiprocessing.connection.Connection) -> None:
    """A worker: claim the next task, do it, send its Output, until no task is left."""
    # Ctrl-C reaches the whole process group: the parent stops the workers and cleans up, so a
    # worker must not die on its own with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the parent had written before the fork is the parent's to report, not this worker's.
    _current().writer.detach()
    try:
        while True:
            with claimed.get_lock():
                index = claimed.value
                claimed.value += 1
            if index >= len(tasks):
                break
            conn.send((index, work(tasks[index])))
        conn.send((_FINISHED, None))
    except BaseException as exc:  # to the parent, which raises it (Ctrl-C, a PipelineError)
        try:
            conn.send((_FAILED, exc))
        except Exception:  # an exception that cannot be pickled: its message, at least
            conn.send((_FAILED, WorkerFailed(f"an export worker failed: {exc}")))
    finally:
        conn.close()


def _current() -> Job:
    if _job is None:
        raise RuntimeError("an export task runs only inside workers.run()")
    return _job


def merge_files(into: dict[str, dict[str, list[str]]], files: dict[str, dict[str, list[str]]],
                ) -> None:
    """Add a task's files to the run's manifest (format -> language -> paths)."""
    for name, per_lang in files.items():
        for lang, paths in per_lang.items():
            into[name][lang] += paths

