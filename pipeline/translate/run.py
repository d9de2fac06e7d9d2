"""One `pipeline translate` run: pending units -> TM, masking, batched MT -> stored per chunk.

Units are taken in article order in chunks of a few batches of sentences; each chunk is
de-duplicated, length-sorted, translated and committed before the next starts, so an interrupted
run loses at most the chunk in flight and a re-run picks up what is still pending.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ModelError, NotFound
from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
from pipeline.store import Store
from pipeline.store import mt as store_mt
from pipeline.store.mt import MachineResult, PendingUnit
from pipeline.store.translations import ensure_rows
from pipeline.translate import packages
from pipeline.translate.engine import ENGINE_NAME, Engine, EngineOptions, Output
from pipeline.translate.masking import Masked, Masker, unmask
from pipeline.translate.memory import Memory
from pipeline.translate.routing import Route, find_route

log = logging.getLogger(__name__)

#: Who machine writes are recorded as in the history.
MACHINE_WHO = "machine"
#: Sentences per committed chunk, in batches: big enough to sort well, small enough to lose
#: little on Ctrl-C.
CHUNK_BATCHES = 4

Progress = Callable[[int, int], None]  # (units finished, sentences finished) since last call


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


@dataclass
class RunReport:
    """What a run did, per language, with totals for the CLI summary."""

    langs: list[LangReport] = field(default_factory=list)
    sentences: int = 0  # sent to a model
    model_calls: int = 0
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(r.written for r in self.langs)

    @property
    def test_model(self) -> bool:
        return any(r.test_model and r.written > r.from_memory for r in self.langs)


def _sentence_spans(unit: PendingUnit) -> list[tuple[int, int]]:
    spans = [(a, b) for a, b in unit.sentences if 0 <= a < b <= len(unit.text)]
    return spans or [(0, len(unit.text))]


def _chunks(units: Sequence[PendingUnit], size: int) -> list[list[PendingUnit]]:
    out: list[list[PendingUnit]] = []
    current: list[PendingUnit] = []
    count = 0
    for u in units:
        current.append(u)
        count += len(_sentence_spans(u))
        if count >= size:
            out.append(current)
            current, count = [], 0
    if current:
        out.append(current)
    return out


class _LangJob:
    """Translates the pending units of one language along one route."""

    def __init__(self, store: Store, lang: str, route: Route | None, engine: Engine,
                 memory: Memory, masker: Masker, report: LangReport) -> None:
        self.store, self.lang, self.route, self.engine = store, lang, route, engine
        self.memory, self.masker, self.report = memory, masker, report
        self.cache: dict[str, Output] = {}  # masked sentence -> output, across chunks

    def _mt(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            assert self.route is not None
            for text, out in zip(todo, self.engine.translate(self.route, todo), strict=True):
                self.cache[text] = out

    def run_chunk(self, units: Sequence[PendingUnit]) -> int:
        """Translate and store one chunk; returns the number of sentences it held."""
        plan: list[tuple[PendingUnit, list[tuple[int, int]], list[str | Masked]]] = []
        to_translate: list[str] = []
        whole_tm: dict[str, str] = {}
        for unit in units:
            hit = self.memory.lookup(unit.text)
            if hit is not None:
                whole_tm[unit.unit_id] = hit
                continue
            spans = _sentence_spans(unit)
            items: list[str | Masked] = []
            for a, b in spans:
                raw = unit.text[a:b]
                sentence = raw.strip()
                tm = self.memory.lookup(sentence) if sentence else None
                if not sentence:
                    items.append(raw)
                    continue
                if tm is not None:
                    items.append(_edges(raw, tm))
                    continue
                masked = self.masker.mask(sentence)
                items.append(masked)
                to_translate.append(masked.text)
            plan.append((unit, spans, items))
        self._mt(to_translate)
        # Placeholders the model lost: translate those sentences again, unmasked.
        retry = [_restore_source(m) for _, _, items in plan for m in items
                 if isinstance(m, Masked) and m.masked
                 and unmask(self.cache[m.text].text, m) is None]
        self._mt(retry)
        results = [self._tm_result(u, whole_tm[u.unit_id]) for u in units if u.unit_id in whole_tm]
        results += [self._assemble(unit, spans, items) for unit, spans, items in plan]
        written = store_mt.write_machine(self.store, results, who=MACHINE_WHO)
        r = self.report
        r.written += written
        r.skipped += len(results) - written
        r.from_memory += sum(1 for x in results if x.origin == "tm")
        r.mask_lost += sum(1 for x in results if FLAG_MASK_LOST in x.flags)
        return sum(len(_sentence_spans(u)) for u in units)

    def _tm_result(self, unit: PendingUnit, text: str) -> MachineResult:
        return MachineResult(unit.unit_id, self.lang, text, origin="tm", engine="tm",
                             expected_revision=unit.revision)

    def _assemble(self, unit: PendingUnit, spans: list[tuple[int, int]],
                  items: list[str | Masked]) -> MachineResult:
        pieces: list[str] = []
        pos = 0
        scores: list[float] = []
        flags: set[str] = set()
        from_memory = False
        for (a, b), item in zip(spans, items, strict=True):
            pieces.append(unit.text[pos:a])
            if isinstance(item, Masked):
                out = self.cache[item.text]
                text = unmask(out.text, item)
                if text is None:
                    flags.add(FLAG_MASK_LOST)
                    out = self.cache[_restore_source(item)]
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
            unit.unit_id, self.lang, "".join(pieces), origin="mt", engine=ENGINE_NAME,
            package=route.package, package_version=route.version, pivot=route.path,
            score=sum(scores) / len(scores) if scores else None, flags=tuple(sorted(flags)),
            expected_revision=unit.revision,
        )


def _edges(raw: str, text: str) -> str:
    """`text` with the white space that surrounded the source sentence `raw`."""
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()):]
    return lead + text + trail


def _restore_source(m: Masked) -> str:
    """The sentence as it was before masking."""
    text = unmask(m.text, m)
    assert text is not None
    return text


def translate_pending(
    store: Store,
    source: str,
    langs: Sequence[str],
    *,
    article: str | None = None,
    limit: int | None = None,
    options: EngineOptions | None = None,
    directory: Path | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> RunReport:
    """Machine-translate every pending unit of `langs` (or of one article, up to `limit` each).

    Raises ModelError before any work if a language with pending units has no route.
    """
    started = time.perf_counter()
    if article is not None and not store_mt.article_exists(store, article):
        raise NotFound(f"no article {article!r} (see `pipeline status`)")
    ensure_rows(store, langs)
    installed = packages.installed(directory)
    work: list[tuple[str, Route | None, list[PendingUnit]]] = []
    missing = []
    for lang in langs:
        pending = store_mt.pending_units(store, lang, article=article, limit=limit)
        route = find_route(source, lang, installed)
        if pending and route is None:
            missing.append(f"{source}-{lang}")
        work.append((lang, route, pending))
    if missing:
        raise ModelError(
            f"no installed package translates {', '.join(missing)}, directly or through English; "
            f"install one with `pipeline models install {' '.join(missing)}` "
            "(or --from-file PATH.argosmodel)"
        )
    if on_plan is not None:
        on_plan(sum(len(p) for _, _, p in work))
    engine = Engine(options)
    report = RunReport()
    chunk_size = engine.options.batch_size * CHUNK_BATCHES
    for lang, route, pending in work:
        lrep = LangReport(lang, route.path if route else None, len(pending),
                          test_model=bool(route and route.test_model))
        report.langs.append(lrep)
        if not pending:
            continue
        job = _LangJob(store, lang, route, engine, Memory.load(store, lang),
                       Masker(store_mt.keep_terms(store, lang)), lrep)
        for chunk in _chunks(pending, chunk_size):
            n_sentences = job.run_chunk(chunk)
            if progress is not None:
                progress(len(chunk), n_sentences)
    report.sentences = engine.sentences
    report.model_calls = engine.calls
    report.seconds = time.perf_counter() - started
    log.info("translated %d units in %.1fs", report.written, report.seconds)
    return report
