"""`pipeline models` and `pipeline translate`: offline machine translation."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import (
    MAX_COUNT,
    JsonOpt,
    LangOpt,
    WorkspaceOpt,
    count,
    echo,
    print_json,
    settings,
    split_langs,
)

if TYPE_CHECKING:
    from pipeline.translate.packages import PackageInfo
    from pipeline.translate.run import RunReport, Step
    from pipeline.workspace import Settings

ALL_LANGS = ("en", "fa", "ar", "sq")

TEST_MODEL_WARNING = (
    "WARNING: TEST MODEL in use (random weights). Its output words are placeholders, not "
    "translations; every such unit is flagged test_model. Install real packages with "
    "`pipeline models install` (or --from-file PATH.argosmodel), or configure a converted "
    "model in [[translate.models]]."
)

models_app = typer.Typer(
    name="models",
    help="Translation models: Argos packages (list, install, remove) and the ct2 models of "
         "pipeline.toml (list).",
    no_args_is_help=True, rich_markup_mode=None,
)


def _mb(n: int) -> str:
    return f"{n / 1024**2:.1f} MB"


def _workspace_settings(workspace: Path | None) -> Settings | None:
    """The workspace's settings, or None outside a workspace (unless one was named)."""
    from pipeline.errors import WorkspaceNotFound

    try:
        return settings(workspace)
    except WorkspaceNotFound:
        if workspace is not None:
            raise
        return None


def _package_dict(p: PackageInfo) -> dict[str, Any]:
    return {"pair": p.pair, "name": p.name, "version": p.version, "size": p.size,
            "test_model": p.test_model}


def _describe(pkg: PackageInfo) -> str:
    marker = "  TEST MODEL: random weights, placeholder words" if pkg.test_model else ""
    return f"{pkg.pair:<8} {pkg.version or '-':<10} {_mb(pkg.size):>10}  {pkg.name}{marker}"


EngineOpt = Annotated[str | None, typer.Option(
    "--engine", help="Where the models come from: argos (installed packages) or ct2 (the "
                     "CTranslate2 models in [[translate.models]]) (default: translate.engine, "
                     "argos).")]


def _route_kind(r: Any) -> str:
    return "impossible" if r is None else ("pivot" if r.pivoted else "direct")


@models_app.command("list")
def models_list(workspace: WorkspaceOpt = None, engine: EngineOpt = None,
                as_json: JsonOpt = False) -> None:
    """Installed packages, configured ct2 models with their licences, and for the workspace's
    languages which pairs are direct, pivot or impossible with the chosen engine."""
    from pipeline.translate import packages
    from pipeline.translate.ct2models import describe
    from pipeline.translate.engines import engine_kind
    from pipeline.translate.routing import route_table

    s = _workspace_settings(workspace)
    kind = engine_kind(engine or (s.engine if s else "argos"))
    installed = packages.installed()
    langs = s.languages if s else ALL_LANGS
    models = [describe(m) for m in (s.models if s else ())]
    # As in ct2models.model_legs: the first model covering a pair wins, so it is listed last.
    legs = installed if kind.name == "argos" else [
        leg for _, ls in reversed(models) for leg in ls]
    table = route_table(langs, legs)
    if as_json:
        print_json({
            "engine": kind.name,
            "directory": str(packages.packages_dir()),
            "packages": [_package_dict(p) for p in installed],
            "models": [d for d, _ in models],
            "routes": [
                {"from": a, "to": b, "path": r.path if r else None, "kind": _route_kind(r),
                 "package": r.package if r else None, "test_model": bool(r and r.test_model)}
                for a, b, r in table
            ],
        })
        return
    echo(f"packages in {packages.packages_dir()}:")
    if not installed:
        echo("  (none) install with: pipeline models install en-fa  (or --from-file PATH)")
    for p in installed:
        echo("  " + _describe(p))
    if models:
        echo("ct2 models ([[translate.models]] in pipeline.toml):")
    for d, _ in models:
        test = "  TEST MODEL: random weights, placeholder words" if d["test_model"] else ""
        echo(f"  {d['name']}  {d['family'] or d['convention']}  {', '.join(d['languages'])}  "
             f"{d['version'] or '-'}  {d['path']}{test}")
        loud = "" if d["commercial_use"] else "!!! "
        echo(f"    licence: {loud}{d['licence_note']}")
        if d["error"]:
            echo(f"    error: {d['error']}")
    echo(f"routes between {', '.join(langs)} (engine {kind.name}):")
    for a, b, r in table:
        if r is None:
            what = "impossible (no direct package, no pivot through English)"
        elif r.pivoted:
            what = f"pivot {r.path}"
        else:
            what = "direct"
        via = f" ({r.package})" if r is not None and kind.name != "argos" else ""
        echo(f"  {a}->{b}: {what}{via}{'  [TEST MODEL]' if r and r.test_model else ''}")


@models_app.command("install")
def models_install(
    pairs: Annotated[list[str] | None, typer.Argument(
        metavar="PAIR",
        help="Language pairs like en-fa (default: source to each target of the workspace).",
    )] = None,
    from_file: Annotated[list[Path] | None, typer.Option(
        "--from-file", metavar="PATH",
        help="Install a local .argosmodel file instead (repeatable; no network).")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Install packages from the Argos index (needs network) or from local files."""
    from pipeline.translate import packages

    done: list[PackageInfo] = []
    for path in from_file or []:
        done.append(packages.install_file(path))
    wanted = [packages.parse_pair(p) for p in pairs or []]
    if not wanted and not from_file:
        s = settings(workspace)
        wanted = [(s.source, t) for t in s.targets]
    if wanted:
        done += packages.install_pairs(wanted)
    if as_json:
        print_json({"installed": [_package_dict(p) for p in done]})
    else:
        for pkg in done:
            echo(f"installed {_describe(pkg)}")
    if any(p.test_model for p in done):
        echo(TEST_MODEL_WARNING, err=True)


@models_app.command("remove")
def models_remove(
    pair: Annotated[str, typer.Argument(help="The language pair to uninstall, like en-fa.")],
    as_json: JsonOpt = False,
) -> None:
    """Uninstall the package of one language pair."""
    from pipeline.translate import packages

    pkg = packages.remove(*packages.parse_pair(pair))
    if as_json:
        print_json({"removed": _package_dict(pkg)})
        return
    echo(f"removed {pkg.pair} ({pkg.name})")


def _run_with_progress(run: Callable[[Any, Any], RunReport], quiet: bool) -> RunReport:
    """Call run(progress, on_plan) with a rich progress bar when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        return run(None, None)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class SentencesPerSecond(ProgressColumn):
        def render(self, task: object) -> Text:
            fields = getattr(task, "fields", {})
            elapsed = getattr(task, "elapsed", None) or 0.0
            rate = fields.get("sentences", 0) / elapsed if elapsed else 0.0
            return Text(f"{rate:.1f} sentences/s")

    # The bar and the ETA follow source tokens (short sentences go first, so units would make
    # the ETA far too hopeful early on); the count beside it is units.
    progress = Progress(
        TextColumn("translating"), BarColumn(),
        TextColumn("{task.fields[units]}/{task.fields[units_total]} units"),
        SentencesPerSecond(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=Console(stderr=True), transient=False,
    )
    with progress:
        task = progress.add_task("translate", total=None, sentences=0, units=0, units_total="?")
        counts = {"sentences": 0, "units": 0, "total": 0}

        def on_plan(units: int, tokens: int) -> None:
            counts["total"] = tokens
            progress.update(task, total=max(tokens, 1), units_total=units,
                            completed=0 if tokens else 1)

        def on_progress(step: Step) -> None:
            counts["sentences"] += step.sentences
            counts["units"] += step.units
            counts["total"] += step.added
            progress.update(task, advance=step.tokens, total=max(counts["total"], 1),
                            sentences=counts["sentences"], units=counts["units"])

        return run(on_progress, on_plan)


def _warn_non_commercial(s: Settings) -> None:
    from pipeline.translate.conventions import CONVENTIONS, commercial_use, licence_note

    for m in s.models:
        licence = m.licence or CONVENTIONS[m.convention].licence
        if not commercial_use(licence):
            echo(f"WARNING: model {m.name}: {licence_note(licence)}", err=True)


def translate(
    lang: LangOpt = None,
    article: Annotated[str | None, typer.Option(
        "--article", "-a", help="Only this article (slug).")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, max=MAX_COUNT, help="At most this many units per language.")] = None,
    beam: Annotated[int | None, typer.Option(
        "--beam", min=1, max=64, help="Beam size (default: translate.beam in pipeline.toml, 4).")] = None,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", min=1, max=4096, help="Sentences per model batch (default: translate.batch_size).",
    )] = None,
    device: Annotated[str | None, typer.Option(
        "--device", help="cpu, cuda or auto (default: translate.device).")] = None,
    compute_type: Annotated[str | None, typer.Option(
        "--compute-type", help="CTranslate2 compute type, e.g. int8, float32 (default: int8).",
    )] = None,
    threads: Annotated[int | None, typer.Option(
        "--threads", min=1, max=1024, help="CPU threads per batch (default: every core).")] = None,
    inter_threads: Annotated[int, typer.Option(
        "--inter-threads", min=1, max=64,
        help="Batches decoded at once, each with --threads threads (default 1).")] = 1,
    device_index: Annotated[str | None, typer.Option(
        "--device-index",
        help="GPUs to use with --device cuda, comma separated, e.g. 0,1: one model replica on "
             "each (default: translate.device_index, 0).")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", envvar="PIPELINE_DASK_SCHEDULER", show_envvar=True,
        help="Decode on a Dask cluster: its scheduler address, e.g. tcp://10.0.0.5:8786 "
             "(default: translate.cluster; needs pip install \"pipeline[dask]\").")] = None,
    engine: EngineOpt = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no summary.")] = False,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Machine-translate untranslated and stale units; approved and edited text is never touched."""
    from pipeline.store import open_store
    from pipeline.translate.engine import EngineOptions, parse_device_index
    from pipeline.translate.run import translate_pending

    s = settings(workspace)
    langs = split_langs(lang, s)
    options = EngineOptions(
        beam=beam or s.beam, batch_size=batch_size or s.batch_size, device=device or s.device,
        compute_type=compute_type or s.compute_type, intra_threads=threads or 0,
        inter_threads=inter_threads,
        device_index=parse_device_index(device_index) if device_index else s.device_index,
    )
    address = cluster or s.cluster
    with open_store(s.database) as store:
        report = _run_with_progress(
            lambda progress, on_plan: translate_pending(
                store, s.source, langs, article=article, limit=limit, options=options,
                cluster=address, engine_name=engine or s.engine, models=s.models,
                progress=progress, on_plan=on_plan),
            quiet or as_json,
        )
    if report.engine == "ct2" and any(r.written > r.from_memory for r in report.langs):
        _warn_non_commercial(s)
    if as_json:
        langs_json = [vars(r) for r in report.langs]
        counted = ("pending", "written", "from_memory", "mask_lost", "skipped", "reused")
        print_json({
            # Totals are the sums of the languages' figures; `sentences` and `model_calls` count
            # what went to the model (retries after a lost placeholder included).
            **{k: sum(r[k] for r in langs_json) for k in counted},
            "sentences": report.sentences, "model_calls": report.model_calls,
            "seconds": round(report.seconds, 3), "test_model": report.test_model,
            "executor": report.executor, "engine": report.engine,
            "languages": langs_json,
        })
    elif not quiet:
        for r in report.langs:
            route = r.route or "no route"
            reused = f", {r.reused} sentences from an earlier run" if r.reused else ""
            echo(f"{r.lang}: {r.written} of {count(r.pending, 'unit')} ({route}; {r.from_memory} from "
                 f"memory, {r.mask_lost} flagged mask_lost, {r.skipped} changed by people"
                 f"{reused})")
        rate = report.sentences / report.seconds if report.seconds else 0.0
        echo(f"{count(report.sentences, 'sentence')} through the model in {report.seconds:.1f}s "
             f"({rate:.1f}/s)")
    if report.test_model:
        echo(TEST_MODEL_WARNING, err=True)
    from pipeline.translate.run import MAX_UNIT_CHARS

    for r in report.langs:
        if r.error is not None:
            echo(f"error: {r.lang} not translated: {r.error}", err=True)
        if r.too_long:
            echo(f"error: {r.lang}: {len(r.too_long)} units over {MAX_UNIT_CHARS:,} characters "
                 f"were not translated ({', '.join(r.too_long[:5])}"
                 f"{', ...' if len(r.too_long) > 5 else ''}); split them in the source", err=True)
    if report.failed or any(r.too_long for r in report.langs):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `pipeline models ...` and `pipeline translate`."""
    app.add_typer(models_app, name="models")
    app.command("translate")(translate)
