"""ct2 models on Dask workers: named by content hash, shipped from the coordinator when missing.

A worker keeps the models it was sent in its model cache (`$PIPELINE_CT2_CACHE`, default
`ct2-models` beside its Argos package directory), one directory per content hash, so each model
crosses the network once per worker machine. The coordinator sends the model directory and its
tokenizer as one archive; the worker checks it entry by entry like a package archive, unpacks it
into a staging directory, checks the content hash and only then renames it into its cache.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import ModelError, PipelineError
from pipeline.translate.ct2models import ModelLeg

#: Largest model a worker unpacks (NLLB-200 3.3B is about 3.3 GB in int8, 6.6 GB in float16).
MAX_SHIP_BYTES = 16 * 1024**3
CACHE_ENV = "PIPELINE_CT2_CACHE"


@dataclass(frozen=True)
class ModelRef:
    """A ct2 leg as a worker receives it: the coordinator's leg and its model's content hash."""

    leg: ModelLeg
    digest: str


def bundle_files(leg: ModelLeg) -> list[tuple[str, Path]]:
    """(name in the archive, file) of everything the leg needs: the model and its tokenizer."""
    files = [(f"model/{f.relative_to(leg.model_dir).as_posix()}", f)
             for f in leg.model_dir.rglob("*") if f.is_file()]
    files.append((f"tokenizer/{leg.tokenizer_path.name}", leg.tokenizer_path))
    return sorted(files)


def files_digest(files: list[tuple[str, Path]]) -> str:
    """A content hash of named files (names, sizes and bytes), the same on every machine."""
    h = hashlib.sha256()
    for name, file in sorted(files):
        h.update(f"{name}\0{file.stat().st_size}\0".encode())
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


_DIGESTS: dict[tuple[object, ...], str] = {}
_LOCK = threading.Lock()


def bundle_digest(leg: ModelLeg) -> str:
    """files_digest of the leg's bundle, cached by the files' identity (hashing takes time)."""
    files = bundle_files(leg)
    key = tuple((n, f.stat().st_size, f.stat().st_mtime_ns) for n, f in files)
    with _LOCK:
        found = _DIGESTS.get(key)
    if found is None:
        found = files_digest(files)
        with _LOCK:
            _DIGESTS[key] = found
    return found


def bundle(leg: ModelLeg) -> bytes:
    """The leg's model and tokenizer as one zip archive with one top directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, file in bundle_files(leg):
            zf.write(file, f"{leg.name}/{name}")
    return buf.getvalue()


# --- run on the workers -------------------------------------------------------------------


def cache_dir() -> Path:
    """Where this machine keeps shipped ct2 models, one directory per content hash."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from pipeline.translate.packages import packages_dir

    return packages_dir().parent / "ct2-models"


def _cached(ref: ModelRef) -> ModelLeg | None:
    """The leg with its paths in this machine's cache, if the cache holds the model."""
    home = cache_dir() / ref.digest
    tokenizer = home / "tokenizer" / ref.leg.tokenizer_path.name
    if (home / "model" / "model.bin").is_file() and tokenizer.is_file():
        return replace(ref.leg, path=home / "model", tokenizer_path=tokenizer)
    return None


def worker_has(ref: ModelRef) -> bool:
    """On a worker: True if it can use the model without a copy from the coordinator."""
    return _cached(ref) is not None


def worker_install(ref: ModelRef, data: bytes) -> str | None:
    """On a worker: unpack a shipped model into the cache after checking it; None, or why not."""
    from pipeline.staging import staging_dir, sweep

    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        sweep(root, _STAGING)  # what a worker killed mid-copy left (nothing to keep from it)
        with staging_dir(root, _STAGING) as staging:
            return _unpack_into(ref, data, root, staging)
    except OSError as exc:
        return f"{exc.strerror or exc} ({root})"


#: The cache's staging directories (hidden: a digest never starts with a dot).
_STAGING = ".ct2-staging-"


def _unpack_into(ref: ModelRef, data: bytes, root: Path, staging: Path) -> str | None:
    from pipeline.translate.packages import _check_entries, _extract

    try:
        archive = staging / "shipped.zip"
        archive.write_bytes(data)
        with zipfile.ZipFile(archive) as zf:
            top = _check_entries(archive, zf, MAX_SHIP_BYTES)
            _extract(archive, zf, staging / "unpacked", MAX_SHIP_BYTES)
        unpacked = staging / "unpacked" / top
        files = [(f.relative_to(unpacked).as_posix(), f) for f in unpacked.rglob("*")
                 if f.is_file()]
        if files_digest(files) != ref.digest:
            return f"the shipped copy of {ref.leg.name} does not match its hash"
        final = root / ref.digest
        if not final.exists():
            unpacked.rename(final)
    except PipelineError as exc:
        return str(exc)
    except (OSError, zipfile.BadZipFile) as exc:
        return f"{getattr(exc, 'strerror', None) or exc} ({root})"
    return None


_LEGS: dict[ModelRef, ModelLeg] = {}


def worker_leg(ref: ModelRef) -> ModelLeg:
    """On a worker: the leg of a route, its paths those of this machine's copy of the model."""
    leg = _LEGS.get(ref) or _cached(ref)
    if leg is None:
        raise ModelError(f"model {ref.leg.name} is not on this worker (pid {os.getpid()})")
    _LEGS[ref] = leg
    return leg
