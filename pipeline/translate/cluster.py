"""The `dask` executor: planned batches decoded on the workers of a Dask distributed cluster.

The coordinator keeps the database; workers only decode. Each worker process keeps one Engine
(one CTranslate2 Translator per package) for as long as it lives. Before any decoding, every
worker is checked for the route's packages by content hash; a worker that lacks one gets it from
the coordinator and installs it with the same safe installer as `pipeline models install`.
Dask re-runs the batches of a worker that dies on another worker; each batch's result reaches
the coordinator once and is committed once.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError, PipelineError, UsageError
from pipeline.translate.ct2models import ModelLeg
from pipeline.translate.engine import Engine, EngineOptions, Output
from pipeline.translate.packages import PackageInfo
from pipeline.translate.routing import Route

log = logging.getLogger(__name__)

#: Seconds to wait for the scheduler to answer, and for a first worker to join.
CONNECT_TIMEOUT = 5
#: Times Dask re-runs a batch whose task raised (a dead worker's batches are re-run anyway).
RETRIES = 2


class ClusterError(PipelineError):
    """The Dask cluster cannot be reached or cannot run the translation."""

    exit_code = 1


def package_digest(path: Path) -> str:
    """A content hash of an installed package directory (names, sizes and bytes of its files)."""
    h = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        h.update(f"{rel}\0{file.stat().st_size}\0".encode())
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _digest(pkg: PackageInfo) -> str:
    """package_digest, cached by the directory's identity and size (hashing a model takes time)."""
    if isinstance(pkg, ModelLeg):  # a ct2 model: its directory and its tokenizer
        from pipeline.translate.ct2ship import bundle_digest

        return bundle_digest(pkg)
    st = pkg.path.stat()
    key = (str(pkg.path), st.st_mtime_ns, pkg.size)
    if key not in _DIGESTS:
        _DIGESTS[key] = package_digest(pkg.path)
    return _DIGESTS[key]


def archive(pkg: PackageInfo) -> bytes:
    """The installed package as an .argosmodel archive (one top directory), to ship to a worker."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for file in sorted(p for p in pkg.path.rglob("*") if p.is_file()):
            zf.write(file, f"{pkg.name}/{file.relative_to(pkg.path).as_posix()}")
    return buf.getvalue()


# --- run on the workers -------------------------------------------------------------------

_WORKER_LOCK = threading.Lock()
_WORKER_ENGINES: dict[EngineOptions, Engine] = {}
_WORKER_PACKAGES: dict[tuple[str, str], PackageInfo] = {}


def worker_inventory() -> dict[str, str]:
    """On a worker: its installed packages, name -> content hash."""
    from pipeline.translate import packages

    return {p.name: _digest(p) for p in packages.installed()}


def worker_install(name: str, data: bytes) -> str | None:
    """On a worker: install a shipped package with the safe installer; None, or why it failed."""
    from pipeline.translate import packages

    try:
        with tempfile.TemporaryDirectory(prefix="pipeline-ship-") as tmp:
            path = Path(tmp) / f"{name}.argosmodel"
            path.write_bytes(data)
            packages.install_file(path)
    except PipelineError as exc:
        return str(exc)
    except OSError as exc:  # the worker's package directory cannot be written
        return f"{exc.strerror or exc} ({packages.packages_dir()})"
    with _WORKER_LOCK:
        _WORKER_PACKAGES.clear()
    return None


def _worker_package(name: str, digest: str) -> PackageInfo:
    key = (name, digest)
    with _WORKER_LOCK:
        found = _WORKER_PACKAGES.get(key)
        if found is None:
            from pipeline.translate import packages

            for p in packages.installed():
                if p.name == name and _digest(p) == digest:
                    found = _WORKER_PACKAGES[key] = p
                    break
    if found is None:
        raise ModelError(f"package {name} is not installed on this worker ({_worker_address()})")
    return found


def _worker_engine(options: EngineOptions) -> Engine:
    with _WORKER_LOCK:
        engine = _WORKER_ENGINES.get(options)
        if engine is None:
            engine = _WORKER_ENGINES[options] = Engine(options)
        return engine


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def _worker_leg(ref: Any) -> PackageInfo:
    if isinstance(ref, tuple):  # an Argos package: (name, content hash)
        return _worker_package(*ref)
    from pipeline.translate.ct2ship import worker_leg  # a ct2 model: ct2ship.ModelRef

    return worker_leg(ref)


def worker_translate(legs: tuple[Any, ...], source: str, target: str,
                     batch: list[str], options: EngineOptions) -> list[Output]:
    """On a worker: decode one batch along the route named by its legs (package name and
    content hash, or a ct2 model's ModelRef)."""
    route = Route(source, target, tuple(_worker_leg(ref) for ref in legs))
    return _worker_engine(options).translate(route, batch)


# --- the coordinator's side ---------------------------------------------------------------


class DaskExecutor:
    """Sends batches to a Dask scheduler and hands back their outputs as they finish."""

    name = "dask"

    def __init__(self, address: str, options: EngineOptions) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError('the dask executor needs the dask extra: pip install "pipeline[dask]"'
                             ) from None
        self.address = address
        self.options = options
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: "
                               f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                               ) from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            self.client.close()
            raise ClusterError(f"the Dask scheduler at {address} has no workers ({exc})") from None
        workers = self.client.scheduler_info()["workers"]
        threads = sum(int(w.get("nthreads", 1)) for w in workers.values())
        # Enough batches in flight to keep every worker thread busy while results are committed.
        self.window = max(2, 2 * threads)
        self._sentences = 0
        self._calls = 0
        self._legs: dict[Route, tuple[Any, ...]] = {}

    def _route_legs(self, route: Route) -> tuple[Any, ...]:
        legs = self._legs.get(route)
        if legs is None:
            from pipeline.translate.ct2ship import ModelRef

            legs = self._legs[route] = tuple(
                ModelRef(leg, _digest(leg)) if isinstance(leg, ModelLeg) else
                (leg.name, _digest(leg)) for leg in route.legs)
        return legs

    def prepare(self, routes: Sequence[Route]) -> None:
        """Every worker gets each package the routes need (by hash), or the run stops here."""
        self._ship_models(routes)
        needed = {leg.name: leg for route in routes for leg in route.legs
                  if not isinstance(leg, ModelLeg)}
        if not needed:
            return
        wanted = {name: _digest(pkg) for name, pkg in needed.items()}
        inventory: dict[str, dict[str, str]] = self.client.run(worker_inventory)
        for worker, have in sorted(inventory.items()):
            for name, digest in sorted(wanted.items()):
                if have.get(name) == digest:
                    continue
                log.info("shipping %s to %s", name, worker)
                problem = self.client.run(worker_install, name, archive(needed[name]),
                                          workers=[worker]).get(worker)
                if problem:
                    raise ClusterError(f"worker {worker} lacks package {name} and cannot install "
                                       f"it: {problem}")
        for route in routes:
            self._route_legs(route)

    def _ship_models(self, routes: Sequence[Route]) -> None:
        """Every worker gets each ct2 model the routes need (by hash), or the run stops here."""
        from pipeline.translate import ct2ship

        refs = {ref.digest: ref for route in routes for ref in self._route_legs(route)
                if isinstance(ref, ct2ship.ModelRef)}
        for ref in refs.values():
            have: dict[str, bool] = self.client.run(ct2ship.worker_has, ref)
            lacking = sorted(w for w, ok in have.items() if not ok)
            data = ct2ship.bundle(ref.leg) if lacking else b""
            for worker in lacking:
                log.info("shipping model %s to %s", ref.leg.name, worker)
                problem = self.client.run(ct2ship.worker_install, ref, data,
                                          workers=[worker]).get(worker)
                if problem:
                    raise ClusterError(f"worker {worker} lacks model {ref.leg.name} and cannot "
                                       f"install it: {problem}")

    def submit(self, route: Route, batch: list[str]) -> Any:
        resources = {"GPU": 1} if self.options.device == "cuda" else None
        return self.client.submit(
            worker_translate, self._route_legs(route), route.source, route.target, batch,
            self.options, pure=False, retries=RETRIES, resources=resources,
        )

    def next_done(self, handles: Sequence[Any]) -> tuple[Any, list[Output]]:
        from distributed import wait

        with self.client.as_current():
            done, _ = wait(list(handles), return_when="FIRST_COMPLETED")
        future = next(f for f in handles if f in done)  # oldest first among the finished
        try:
            outputs = future.result()
        except PipelineError as exc:
            raise ModelError(f"a batch failed on the cluster: {exc}") from None
        except Exception as exc:  # a worker's error arrives re-raised here
            raise ModelError(f"a batch failed on the cluster at {self.address}: "
                             f"{type(exc).__name__}: {exc}") from None
        self._sentences += len(outputs)
        self._calls += 1
        future.release()
        return future, list(outputs)

    @property
    def sentences(self) -> int:
        return self._sentences

    @property
    def calls(self) -> int:
        return self._calls

    def close(self) -> None:
        self.client.close()
