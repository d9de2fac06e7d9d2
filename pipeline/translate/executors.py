"""Where planned batches are decoded: in this process (`local`) or on a Dask cluster (`dask`).

The coordinator (translate.run) plans, sorts and commits; an executor only turns batches of
sentences into outputs. It may hold several batches in flight and hands them back in any order,
each exactly once, so every batch is committed once whatever happens to the workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pipeline.errors import UsageError
from pipeline.translate.engine import Engine, EngineOptions, Output
from pipeline.translate.routing import Route


class Executor(Protocol):
    """Decodes batches along a route; `window` is how many may be in flight at once."""

    name: str
    window: int

    def prepare(self, routes: Sequence[Route]) -> None:
        """Make every route usable before any decoding (load or ship packages); raise if not."""

    def submit(self, route: Route, batch: list[str]) -> Any:
        """Start decoding a batch; returns a handle."""

    def next_done(self, handles: Sequence[Any]) -> tuple[Any, list[Output]]:
        """Wait for one of the handles to finish; its outputs, in the batch's order."""

    @property
    def sentences(self) -> int:
        """Sentences sent to a model so far (for the run report)."""

    @property
    def calls(self) -> int:
        """Model calls so far."""

    def close(self) -> None:
        """Release what the executor holds (connections); the run is over."""


class LocalExecutor:
    """Today's in-process run: one batch at a time on this machine's cores. No server needed."""

    name = "local"
    window = 1

    def __init__(self, options: EngineOptions, engine: Engine | None = None) -> None:
        self.engine = engine or Engine(options)
        self._done: dict[int, list[Output]] = {}
        self._next = 0

    def prepare(self, routes: Sequence[Route]) -> None:
        """Nothing to ship: the packages are on this disk."""

    def submit(self, route: Route, batch: list[str]) -> int:
        self._next += 1
        self._done[self._next] = self.engine.translate(route, batch)
        return self._next

    def next_done(self, handles: Sequence[int]) -> tuple[int, list[Output]]:
        handle = handles[0]
        return handle, self._done.pop(handle)

    @property
    def sentences(self) -> int:
        return self.engine.sentences

    @property
    def calls(self) -> int:
        return self.engine.calls

    def close(self) -> None:
        self._done.clear()


def _local(options: EngineOptions, _address: str | None, engine: Engine | None) -> Executor:
    return LocalExecutor(options, engine)


def _dask(options: EngineOptions, address: str | None, _engine: Engine | None) -> Executor:
    from pipeline.translate.cluster import DaskExecutor

    if not address:
        raise UsageError("the dask executor needs a scheduler address: --cluster tcp://HOST:8786, "
                         "[translate] cluster in pipeline.toml, or $PIPELINE_DASK_SCHEDULER")
    return DaskExecutor(address, options)


#: The executors by name; `local` is the default and needs nothing else installed.
EXECUTORS: dict[str, Callable[[EngineOptions, str | None, Engine | None], Executor]] = {
    "local": _local,
    "dask": _dask,
}


def make_executor(options: EngineOptions, cluster: str | None = None, *,
                  engine: Engine | None = None) -> Executor:
    """The executor a run uses: `dask` when a scheduler address is given, else `local` (which
    reuses `engine`, the coordinator's, so tokenizers load once)."""
    return EXECUTORS["dask" if cluster else "local"](options, cluster, engine)
