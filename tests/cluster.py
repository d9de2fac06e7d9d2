"""A real Dask scheduler and workers on 127.0.0.1 for tests and benchmarks, stopped by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")

#: Every process the fixture starts ends by itself after this long, whatever the test does.
LIFETIME = "300s"


@dataclass
class Cluster:
    """A scheduler and workers started for one test; stopped by PID at the end."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    worker_dirs: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*self.workers, self.scheduler]:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_env(packages: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(packages)}
    env.pop("PIPELINE_WORKSPACE", None)
    return env


def start_cluster(tmp: Path, workers: int = 2, worker_packages: Path | None = None,
                  threads: int = 1) -> Cluster:
    """`dask scheduler` and `dask worker` processes (one thread each, no nanny, so a killed
    worker stays dead) on 127.0.0.1, each with its own empty package directory."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    tmp.mkdir(parents=True, exist_ok=True)
    log = (tmp / "scheduler.log").open("wb")
    scheduler = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
         "--idle-timeout", LIFETIME],
        stdout=log, stderr=subprocess.STDOUT, env=worker_env(tmp / "none"))
    cluster = Cluster(address, scheduler)
    try:
        for i in range(workers):
            packages = worker_packages or tmp / f"worker{i}" / "packages"
            cluster.worker_dirs.append(packages)
            if worker_packages is None:
                packages.parent.mkdir(parents=True, exist_ok=True)
            wlog = (tmp / f"worker{i}.log").open("wb")
            cluster.workers.append(subprocess.Popen(
                [str(DASK), "worker", address, "--host", "127.0.0.1", "--nthreads", str(threads),
                 "--no-nanny", "--no-dashboard", "--lifetime", LIFETIME, "--death-timeout", "30",
                 "--memory-limit", "4GB"],
                stdout=wlog, stderr=subprocess.STDOUT, env=worker_env(packages)))
        _wait_for_workers(address, workers)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    deadline = time.time() + 60
    with Client(address, timeout=30, set_as_default=False) as client:
        while len(client.scheduler_info()["workers"]) < n:
            if time.time() > deadline:
                raise AssertionError(f"only {len(client.scheduler_info()['workers'])} of {n} "
                                     "workers joined")
            time.sleep(0.2)


