"""One `pipeline translate` run: pending units -> TM, masking, batched MT -> stored per batch.

All sentences of a language that need the model are gathered, de-duplicated and sorted by length
once, then translated shortest first in batches of similar length (little padding, little time
spent waiting for one long sentence). Each batch is committed with its sentence outputs and every
unit it completes, so Ctrl-C or kill -9 loses at most the batch in flight: a re-run finds the
committed sentences in `mt_sentences` and decodes only the rest.
"""

from __future__ import annotations

import functools
import heapq
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError, NotFound
from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
from pipeline.store import Store
from pipeline.store import mt as store_mt
from pipeline.store.mt import MachineResult, PendingUnit
from pipeline.store.translations import ensure_rows
from pipeline.translate.engine import Engine, EngineOptions, Output
from pipeline.translate.engines import DEFAULT as DEFAULT_ENGINE
from pipeline.translate.engines import available_legs, engine_kind
from pipeline.translate.executors import Executor, make_executor
from pipeline.translate.masking import Masked, Masker, unmask
from pipeline.translate.memory import Memory
from pipeline.translate.routing import Route, find_route
from pipeline.workspace import ModelConfig

log = logging.getLogger(__name__)

#: Who machine writes are recorded as in the history.
MACHINE_WHO = "machine"



@dataclass(frozen=True)
class Step:
    """Work finished since the last report. Work is counted in source tokens, so an ETA stays
    honest while short sentences go first; `added` is work found on the way (a retry)."""

    units: int = 0
    sentences: int = 0
    tokens: int = 0
    added: int = 0


Progress = Callable[[Step], None]


@dataclass
class LangReport:
    """What a run did in one language."""

    lang: str
    route: str | None = None
    pending: int = 0
    written: int = 0
    from_memory: int = 0
    mask_lost: int = 0
    test_model: bool = False
    skipped: int = 0  # changed by a person during the run: left alone
    reused: int = 0  # sentences found in mt_sentences (from an earlier, perhaps killed, run)
    error: str | None = None  # why this language failed (a broken package); the others go on
    too_long: list[str] = field(default_factory=list)  # units over MAX_UNIT_CHARS, not sent


@dataclass
class RunReport:
    """What a run did, per language, with totals for the CLI summary."""

    langs: list[LangReport] = field(default_factory=list)
    executor: str = "local"  # where the batches were decoded (executors.EXECUTORS)
    engine: str = DEFAULT_ENGINE  # where the models came from (engines.ENGINES)
    sentences: int = 0  # sent to a model
    model_calls: int = 0
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(r.written for r in self.langs)

    @property
    def failed(self) -> list[LangReport]:
        """Languages that could not be translated (the CLI exits 1)."""
        return [r for r in self.langs if r.error is not None]

    @property
    def test_model(self) -> bool:
        return any(r.test_model and r.written > r.from_memory for r in self.langs)


def _sentence_spans(unit: PendingUnit) -> list[tuple[int, int]]:
    spans = [(a, b) for a, b in unit.sentences if 0 <= a < b <= len(unit.text)]
    return spans or [(0, len(unit.text))]


@dataclass
class _Plan:
    """One unit on its way: per sentence, memory text (str) or a masked sentence for the model."""

    unit: PendingUnit
    spans: list[tuple[int, int]]
    items: list[str | Masked]


class _LangJob:
    """Translates the pending units of one language along one route, shortest sentences first."""

    def __init__(self, store: Store, lang: str, route: Route | None, engine: Engine,
                 memory: Memory, masker: Masker, report: LangReport,
                 progress: Progress | None, executor: str = "local") -> None:
        self.store, self.lang, self.route, self.engine = store, lang, route, engine
        self.memory, self.masker, self.report, self.progress = memory, masker, report, progress
        self.model = engine.signature(route) if route is not None else ""
        self.executor = executor  # recorded in the provenance of what the model translated
        self.outputs: dict[str, Output] = {}  # sentence as sent to the model -> its output
        self.waiting: dict[str, list[int]] = {}  # sentence -> plans that wait for it
        self.queue: list[tuple[int, int, str]] = []  # (tokens, order, sentence): a min-heap
        self.plans: list[_Plan] = []
        self.masked: dict[str, Masked] = {}  # masked sentence -> how to restore its source
        self._order = 0  # tie-break in the queue: first needed, first translated
        self.queued_tokens = 0  # source tokens in the queue: the work left in this language


    def prepare(self, units: Sequence[PendingUnit]) -> None:
        """Plan every unit; store what memory and earlier runs already fill; queue the rest."""
        ready = [self._plan(u) for u in units]
        results = [r for r in ready if r is not None]
        needed = [m.text for p in self.plans for m in p.items if isinstance(m, Masked)]
        needed += [_restore_source(m) for p in self.plans for m in p.items
                   if isinstance(m, Masked) and m.masked]
        for src, (text, score) in store_mt.cached_sentences(self.store, self.model, needed).items():
            self.outputs[src] = Output(text, score)
        self.report.reused += len(self.outputs)
        results += [r for i in range(len(self.plans)) if (r := self._settle(i)) is not None]
        self._write({}, results, Step())

    def run(self, executor: Executor) -> None:
        """Translate the queue shortest first, committing each batch as it comes back.

        The local executor decodes one batch at a time; a cluster holds several in flight and
        may return them in any order: each is committed once, when it arrives.
        """
        in_flight: dict[Any, tuple[list[str], int]] = {}
        while True:
            while self.queue and len(in_flight) < executor.window:
                batch, tokens = self._next_batch()
                assert self.route is not None
                in_flight[executor.submit(self.route, batch)] = (batch, tokens)
            if not in_flight:
                return
            handle, outputs = executor.next_done(list(in_flight))
            batch, tokens = in_flight.pop(handle)
            self._commit(batch, tokens, outputs)

    def _next_batch(self) -> tuple[list[str], int]:
        """The next `batch_size` sentences from the queue (shortest first) and their tokens."""
        size = self.engine.options.batch_size * self.engine.options.inter_threads
        popped = [heapq.heappop(self.queue) for _ in range(min(size, len(self.queue)))]
        batch = [src for _, _, src in popped]
        tokens = sum(n for n, _, _ in popped)
        self.queued_tokens -= tokens
        if not self.queue:
            batch += self._speculative_retries(batch)[: size - len(batch)]
        return batch, tokens

    def _commit(self, batch: list[str], tokens: int, outputs: list[Output]) -> None:
        """Store a decoded batch and every unit it completes, in one transaction."""
        outs = dict(zip(batch, outputs, strict=True))
        self.outputs.update(outs)
        waiting = sorted({i for src in batch for i in self.waiting.pop(src, [])})
        before = self.queued_tokens
        done = [r for i in waiting if (r := self._settle(i)) is not None]
        self._write({k: (o.text, o.score) for k, o in outs.items()}, done,
                    Step(sentences=len(batch), tokens=tokens, added=self.queued_tokens - before))

    def _speculative_retries(self, batch: list[str]) -> list[str]:
        """Unmasked sources of the masked sentences in the last batch.

        A sentence whose placeholders the model drops is translated again unmasked; after the
        last batch that would be one more call, as slow as the longest such sentence. Sending
        the unmasked sources along (where the batch has room) costs less than that call.
        """
        out = []
        for src in batch:
            m = self.masked.get(src)
            if m is not None and m.masked:
                plain = _restore_source(m)
                if plain not in self.outputs and plain not in self.waiting:
                    out.append(plain)
        return list(dict.fromkeys(out))

    def _plan(self, unit: PendingUnit) -> MachineResult | None:
        """A memory hit for the whole unit, or None after keeping its plan."""
        hit = self.memory.lookup(unit.text)
        if hit is not None:
            tmx = self.memory.imported_from(unit.text)  # provenance: the TMX file and its tool
            return MachineResult(unit.unit_id, self.lang, hit, origin="tm", engine="tm",
                                 package=tmx[0] if tmx else None,
                                 package_version=tmx[1] if tmx else None,
                                 expected_revision=unit.revision)
        spans = _sentence_spans(unit)
        items: list[str | Masked] = []
        for a, b in spans:
            raw = unit.text[a:b]
            sentence = raw.strip()
            tm = self.memory.lookup(sentence) if sentence else None
            if not sentence:
                items.append(raw)
            elif tm is not None:
                items.append(_edges(raw, tm))
            else:
                masked = self.masker.mask(sentence)
                self.masked[masked.text] = masked
                items.append(masked)
        self.plans.append(_Plan(unit, spans, items))
        return None

    def _settle(self, index: int) -> MachineResult | None:
        """The unit's result if every sentence it needs is translated, else queue what is missing.

        A sentence whose placeholders the model lost needs its unmasked source translated too.
        """
        plan = self.plans[index]
        missing: list[str] = []
        for item in plan.items:
            if not isinstance(item, Masked):
                continue
            out = self.outputs.get(item.text)
            if out is None:
                missing.append(item.text)
            elif item.masked and unmask(out.text, item) is None:
                source = _restore_source(item)
                if source not in self.outputs:
                    missing.append(source)
        if not missing:
            return self._assemble(plan)
        missing = list(dict.fromkeys(missing))
        fresh = [m for m in missing if m not in self.waiting]
        for src in missing:
            self.waiting.setdefault(src, []).append(index)
        if fresh:
            assert self.route is not None
            for src, n in zip(fresh, self.engine.token_counts(self.route, fresh), strict=True):
                self._order += 1
                self.queued_tokens += n
                heapq.heappush(self.queue, (n, self._order, src))
        return None

    def _write(self, sentences: dict[str, tuple[str, float]], results: list[MachineResult],
               step: Step) -> None:
        """Commit one batch: its sentence outputs and the units it completed."""
        if not sentences and not results:
            return
        written = store_mt.write_batch(self.store, self.model, sentences, results, who=MACHINE_WHO)
        r = self.report
        r.written += written
        r.skipped += len(results) - written
        r.from_memory += sum(1 for x in results if x.origin == "tm")
        r.mask_lost += sum(1 for x in results if FLAG_MASK_LOST in x.flags)
        if self.progress is not None:
            self.progress(Step(len(results), step.sentences, step.tokens, step.added))

    def _assemble(self, plan: _Plan) -> MachineResult:
        unit = plan.unit
        pieces: list[str] = []
        pos = 0
        scores: list[float] = []
        flags: set[str] = set()
        from_memory = False
        for (a, b), item in zip(plan.spans, plan.items, strict=True):
            pieces.append(unit.text[pos:a])
            if isinstance(item, Masked):
                out = self.outputs[item.text]
                text = unmask(out.text, item)
                if text is None:
                    flags.add(FLAG_MASK_LOST)
                    out = self.outputs[_restore_source(item)]
                    text = out.text
                scores.append(out.score)
                pieces.append(_edges(unit.text[a:b], text))
            else:
                from_memory = from_memory or bool(item.strip())
                pieces.append(item)
            pos = b
        pieces.append(unit.text[pos:])
        route = self.route
        if not scores and from_memory:  # every sentence came from memory
            return MachineResult(unit.unit_id, self.lang, "".join(pieces), origin="tm",
                                 engine="tm", expected_revision=unit.revision)
        assert route is not None
        if route.test_model:
            flags.add(FLAG_TEST_MODEL)
        return MachineResult(
            unit.unit_id, self.lang, "".join(pieces), origin="mt", engine=route.engine,
            package=route.package, package_version=route.version, pivot=route.path,
            score=sum(scores) / len(scores) if scores else None, flags=tuple(sorted(flags)),
            expected_revision=unit.revision, executor=self.executor,
        )


def _edges(raw: str, text: str) -> str:
    """`text` with the white space that surrounded the source sentence `raw`."""
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()):]
    return lead + text + trail


def _memory_covers(memory: Memory, unit: PendingUnit) -> bool:
    """True if approved translations fill the whole unit, so it needs no model."""
    if memory.lookup(unit.text) is not None:
        return True
    sentences = [unit.text[a:b].strip() for a, b in _sentence_spans(unit)]
    return all(memory.lookup(s) is not None for s in sentences if s)


def _restore_source(m: Masked) -> str:
    """The sentence as it was before masking."""
    text = unmask(m.text, m)
    assert text is not None
    return text


#: Longest unit sent to a model, in characters. A news paragraph is under 5,000; a unit past
#: this is a whole document pasted as one paragraph (decoding it would take minutes and GBs),
#: so it is reported and left for a person to split. Long sentences under the cap are split
#: by tokens in the engine (EngineOptions.max_input_tokens).
MAX_UNIT_CHARS = 100_000


def _within_cap(units: list[PendingUnit]) -> tuple[list[PendingUnit], list[str]]:
    """The units short enough to translate, and the ids of the others."""
    over = [u.unit_id for u in units if len(u.text) > MAX_UNIT_CHARS]
    if not over:
        return units, []
    log.warning("%d units over %d characters are not translated", len(over), MAX_UNIT_CHARS)
    return [u for u in units if len(u.text) <= MAX_UNIT_CHARS], over


def _guarded(report: LangReport, work: Callable[[], None]) -> bool:
    """Run one language's work; a broken package fails that language only (one line)."""
    try:
        work()
    except ModelError as exc:
        report.error = str(exc)
        log.warning("%s: %s", report.lang, exc)
        return False
    return True


def translate_pending(
    store: Store,
    source: str,
    langs: Sequence[str],
    *,
    article: str | None = None,
    limit: int | None = None,
    options: EngineOptions | None = None,
    cluster: str | None = None,
    engine_name: str = DEFAULT_ENGINE,
    models: Sequence[ModelConfig] = (),
    directory: Path | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Machine-translate every pending unit of `langs` (or of one article, up to `limit` each).

    A language with pending units that translation memory cannot fill and no route fails
    (its report's `error`) and the others run; ModelError before any work if no language can.
    `on_plan(units, tokens)` hears the size of the run once every language is planned;
    `progress` hears each committed batch. With `cluster` (a Dask scheduler address) the
    batches are decoded on that cluster's workers; planning, memory and every database write
    stay here. `engine_name` says where the models come from: installed Argos packages (in
    `directory`), or the CTranslate2 `models` of pipeline.toml (`ct2`).
    """
    started = time.perf_counter()
    if article is not None and not store_mt.article_exists(store, article):
        raise NotFound(f"no article {article!r} (see `pipeline status`)")
    ensure_rows(store, langs)
    kind = engine_kind(engine_name)
    installed = available_legs(kind.name, models=models, directory=directory)
    work: list[tuple[str, Route | None, list[PendingUnit], Memory]] = []
    missing = []
    for lang in langs:
        pending = store_mt.pending_units(store, lang, article=article, limit=limit)
        route = find_route(source, lang, installed)
        memory = Memory.load(store, lang)
        if pending and route is None and not all(_memory_covers(memory, u) for u in pending):
            missing.append(f"{source}-{lang}")
        work.append((lang, route, pending, memory))
    if missing and len(missing) == sum(1 for _, _, pending, _ in work if pending):
        raise ModelError(kind.missing(missing))  # nothing could run: say so before any work
    engine = Engine(options)
    executor = make_executor(engine.options, cluster, engine=engine)
    report = RunReport()
    jobs = []
    for lang, route, pending, memory in work:
        lrep = LangReport(lang, route.path if route else None, len(pending),
                          test_model=bool(route and route.test_model))
        report.langs.append(lrep)
        pending, lrep.too_long = _within_cap(pending)
        if f"{source}-{lang}" in missing:  # as a broken package: this language fails, the
            lrep.error = kind.missing([f"{source}-{lang}"])  # others go on, the run exits 1
            log.warning("%s: %s", lang, lrep.error)
        elif pending:
            job = _LangJob(store, lang, route, engine, memory,
                           Masker(store_mt.keep_terms(store, lang)), lrep, progress,
                           executor=executor.name)
            if _guarded(lrep, functools.partial(job.prepare, pending)):
                jobs.append(job)
    if on_plan is not None:
        on_plan(sum(len(p) for _, _, p, _ in work), sum(j.queued_tokens for j in jobs))
    try:
        executor.prepare([j.route for j in jobs if j.route is not None and j.queue])
        for job in jobs:
            _guarded(job.report, functools.partial(job.run, executor))
    finally:
        executor.close()
    report.executor = executor.name
    report.engine = kind.name
    report.sentences = executor.sentences
    report.model_calls = executor.calls
    report.seconds = time.perf_counter() - started
    log.info("translated %d units in %.1fs", report.written, report.seconds)
    return report
