"""Argos packages on disk: list, validate and install safely (staged, atomic), remove.

argostranslate's own install extracts a zip straight into the package directory, so one bad
archive can break every installed language. Here an archive is checked entry by entry, extracted
into a staging directory beside the package directory, checked again, and only then renamed into
place. Installed packages are read with argostranslate.package (light: no torch, no stanza).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from pipeline.errors import InputError, ModelError, NotFound
from pipeline.inputfile import check_regular, load_json, read_bytes
from pipeline.staging import staging_dir, sweep

log = logging.getLogger(__name__)

#: Largest total uncompressed size of an archive (real Argos packages are 100-400 MB).
MAX_UNPACKED_BYTES = 2 * 1024**3
#: Entries an archive may hold: an Argos package has about ten files (model, vocabulary,
#: tokenizer, metadata, stanza); 200k empty entries took minutes to unpack and never loaded.
MAX_ENTRIES = 1000
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                      zipfile.ZIP_LZMA})
#: metadata.json key written by scripts/make_test_model.py into random-weight packages.
TEST_MODEL_KEY = "pipeline_test_model"
_CODE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]+)?$")
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class PackageInfo:
    """One installed translation package."""

    name: str  # directory name
    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str
    test_model: bool
    size: int  # bytes on disk
    # Tokens around every source sentence (a multilingual model's language tokens; Argos: none).
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    #: Recorded as the translation's engine (provenance).
    engine: ClassVar[str] = "ctranslate2"

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def model_dir(self) -> Path:
        """The CTranslate2 model directory."""
        return self.path / "model"

    @property
    def ident(self) -> str:
        """What names this leg's model in the translation cache's signature."""
        return f"{self.name}@{self.version}"


def packages_dir() -> Path:
    """Where packages are installed: $ARGOS_PACKAGES_DIR, else Argos's default directory.

    Read at call time (argostranslate.settings reads it once, at import).
    """
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env)
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "argos-translate" / "packages"


def parse_pair(text: str) -> tuple[str, str]:
    """'en-fa', 'en_fa' or 'en:fa' -> ('en', 'fa')."""
    parts = re.split(r"[-_:>]", text.strip(), maxsplit=1)
    if len(parts) != 2 or not all(_CODE.match(p) for p in parts) or parts[0] == parts[1]:
        raise ModelError(f"{text!r} is not a language pair; write it like en-fa")
    return parts[0], parts[1]


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def read_metadata(pkg_dir: Path) -> dict[str, Any]:
    """metadata.json of a package directory, checked; ModelError naming the file if it is bad."""
    meta_path = pkg_dir / "metadata.json"
    if not os.path.lexists(meta_path):
        raise ModelError("package has no metadata.json", path=pkg_dir)
    try:  # the shared readers: bounded, no FIFO; malformed, deep or 5000-digit JSON is one line
        raw = read_bytes(meta_path, max_bytes=2**20, what="metadata.json")
    except InputError as exc:
        raise ModelError(exc.message, path=meta_path) from None
    try:
        data = load_json(raw, meta_path)
    except InputError as exc:
        raise ModelError(f"metadata.json: {exc.message}", path=meta_path) from None
    if not isinstance(data, dict):
        raise ModelError("metadata.json must hold a JSON object", path=meta_path)
    if data.get("type", "translate") != "translate":
        raise ModelError(f"not a translation package (type {data.get('type')!r})", path=meta_path)
    for key in ("from_code", "to_code"):
        value = data.get(key)
        if not isinstance(value, str) or not _CODE.match(value):
            raise ModelError(f"metadata.json has no valid {key}", path=meta_path)
    if not isinstance(data.get("package_version", ""), str):
        raise ModelError("metadata.json package_version must be a string", path=meta_path)
    return data


def check_package_dir(pkg_dir: Path) -> dict[str, Any]:
    """Everything the engine needs is present: metadata, CTranslate2 model, tokenizer."""
    meta = read_metadata(pkg_dir)
    if not (pkg_dir / "model" / "model.bin").is_file():
        raise ModelError("package has no model (model/model.bin missing)", path=pkg_dir)
    if not (pkg_dir / "model" / "config.json").is_file():
        raise ModelError("package model is incomplete (model/config.json missing)", path=pkg_dir)
    if not ((pkg_dir / "sentencepiece.model").is_file() or (pkg_dir / "bpe.model").is_file()):
        raise ModelError("package has no tokenizer (sentencepiece.model or bpe.model)",
                         path=pkg_dir)
    return meta


def _info(path: Path, meta: dict[str, Any]) -> PackageInfo:
    return PackageInfo(
        name=path.name, path=path, from_code=meta["from_code"], to_code=meta["to_code"],
        version=str(meta.get("package_version") or ""),
        target_prefix=str(meta.get("target_prefix") or ""),
        test_model=meta.get(TEST_MODEL_KEY) is True, size=_dir_size(path),
    )


def installed(directory: Path | None = None) -> list[PackageInfo]:
    """Installed translation packages, sorted by pair; broken directories are skipped and logged."""
    root = directory or packages_dir()
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            meta = check_package_dir(path)
        except ModelError as exc:
            log.warning("skipping %s", exc)
            continue
        out.append(_info(path, meta))
    return sorted(out, key=lambda p: (p.from_code, p.to_code, p.version, p.name))


def find(from_code: str, to_code: str, directory: Path | None = None) -> PackageInfo | None:
    """The installed package for a pair (the highest version if several)."""
    matches = [p for p in installed(directory) if (p.from_code, p.to_code) == (from_code, to_code)]
    return matches[-1] if matches else None


# -- archive validation ------------------------------------------------------------------------

def _check_entries(archive: Path, zf: zipfile.ZipFile, max_bytes: int) -> str:
    """Reject hostile or malformed entries before anything is written; returns the top directory."""
    tops: set[str] = set()
    total = 0
    infos = zf.infolist()
    if not infos:
        raise ModelError("archive is empty", path=archive)
    if len(infos) > MAX_ENTRIES:
        raise ModelError(f"archive holds {len(infos)} entries; a package has a few dozen "
                         f"(at most {MAX_ENTRIES} are read)", path=archive)
    for info in infos:
        name = info.filename
        where = f"entry {name[:200]!r}"
        if info.flag_bits & 0x1:
            raise ModelError(f"{where} is encrypted; packages are never", path=archive)
        if info.compress_type not in _METHODS:
            raise ModelError(f"{where} uses compression method {info.compress_type}, which "
                             "cannot be read (stored, deflate, bzip2 and LZMA can)", path=archive)
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name:
            raise ModelError(f"{where} has an absolute or Windows path", path=archive)
        parts = PurePosixPath(name).parts
        if any(p == ".." for p in parts):
            raise ModelError(f"{where} climbs out of the package with '..'", path=archive)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ModelError(f"{where} is a symbolic link", path=archive)
        if not parts or parts[0] in (".", ""):
            raise ModelError(f"{where} has an empty path", path=archive)
        if len(parts) == 1 and not info.is_dir():
            raise ModelError(f"{where} is a file outside the package directory", path=archive)
        tops.add(parts[0])
        total += info.file_size
        if total > max_bytes:
            raise ModelError(
                f"archive unpacks to more than {max_bytes // 1024**2} MB; refusing", path=archive
            )
    if len(tops) != 1:
        raise ModelError(
            f"archive must hold exactly one top directory, found {len(tops)} "
            f"({', '.join(sorted(tops)[:4])})", path=archive,
        )
    top = tops.pop()
    if top.startswith("."):
        raise ModelError(f"top directory {top!r} is hidden", path=archive)
    return top


def _extract(archive: Path, zf: zipfile.ZipFile, dest: Path, max_bytes: int) -> None:
    """Extract regular files and directories only, counting real bytes (headers can lie)."""
    written = 0
    for info in zf.infolist():
        target = dest.joinpath(*PurePosixPath(info.filename).parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: an entry named twice (or a planted name) fails instead of overwriting
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:
            raise ModelError(f"entry {info.filename!r} appears twice in the archive",
                             path=archive) from None
        with zf.open(info) as src, os.fdopen(fd, "wb") as out:
            while chunk := src.read(_COPY_CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise ModelError(
                        f"archive unpacks to more than {max_bytes // 1024**2} MB; refusing",
                        path=archive,
                    )
                out.write(chunk)


#: Where an install keeps the package it replaces until the new one is in place (a dot: no
#: archive's top directory can have this name).
_RETIRED = ".replaced"


def _staging_prefix(root: Path, kind: str = "staging") -> str:
    return f".{root.name}-{kind}-"


def _sweep(root: Path) -> None:
    """Clear what a killed install or remove left beside `root`, putting back a package that an
    install had moved aside when it died before the new one was in place."""
    def recover(staging: Path) -> None:
        for old in sorted((staging / _RETIRED).glob("*")):
            try:
                meta = check_package_dir(old)
            except ModelError:
                continue
            if find(meta["from_code"], meta["to_code"], root) is None and \
                    not (root / old.name).exists():
                old.rename(root / old.name)
                log.warning("put back %s, which an interrupted install had moved aside",
                            old.name)

    with _exclusive(root):
        for kind in ("staging", "removing"):
            sweep(root.parent, _staging_prefix(root, kind), recover)


@contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    """The package directory's swap lock, across processes (flock on a hidden file in it,
    which `installed` and Argos pass over: they read directories)."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".install.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def install_file(
    archive: Path, directory: Path | None = None, *, max_bytes: int = MAX_UNPACKED_BYTES
) -> PackageInfo:
    """Validate `archive` in a staging directory and move it into place atomically.

    A package for the same pair is replaced only after the new one is complete; nothing in the
    package directory changes if any check fails.
    """
    archive = Path(archive)
    root = directory or packages_dir()
    try:  # a FIFO, a device or a directory is refused before zipfile opens (and blocks on) it
        check_regular(archive, max_bytes=MAX_UNPACKED_BYTES, what="package (.argosmodel)")
    except InputError as exc:
        raise ModelError(exc.message, path=archive) from None
    if not zipfile.is_zipfile(archive):
        raise ModelError("not an Argos package (not a zip archive)", path=archive)
    root.mkdir(parents=True, exist_ok=True)
    _sweep(root)
    # Staging beside the package directory: same file system, so the final rename is atomic,
    # and not inside it, so a crash never leaves a half package where Argos would read it.
    with staging_dir(root.parent, _staging_prefix(root)) as staging:
        try:
            with zipfile.ZipFile(archive) as zf:
                top = _check_entries(archive, zf, max_bytes)
                _extract(archive, zf, staging, max_bytes)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                NotImplementedError, RuntimeError) as exc:  # the last two: methods, passwords
            raise ModelError(f"cannot unpack the archive ({str(exc)[:300]})",
                             path=archive) from None
        unpacked = staging / top
        from pipeline.translate.engine import check_loads

        try:
            meta = check_package_dir(unpacked)
            check_loads(unpacked)  # tokenizer and model load, in staging: nothing replaced yet
        except ModelError as exc:
            raise ModelError(exc.message, path=archive) from None
        with _exclusive(root):  # two installs at once: each swap sees the other's result
            old = find(meta["from_code"], meta["to_code"], root)
            final = root / f"translate-{meta['from_code']}_{meta['to_code']}"
            if final.exists() and (old is None or old.path != final):
                final = root / top  # an unrelated directory holds the usual name
                if final.exists() and (old is None or old.path != final):
                    raise ModelError(f"{final} exists and is not a package for this pair; "
                                     "remove it", path=archive)
            # The old package waits in staging under its own name until the new one is in
            # place: a kill -9 in between leaves it there, and the next run's sweep puts it back.
            retired = staging / _RETIRED / (old.path.name if old is not None else "none")
            if old is not None:
                retired.parent.mkdir()
                old.path.rename(retired)
            try:
                unpacked.rename(final)
            except OSError:
                if old is not None:
                    retired.rename(old.path)  # put the old package back
                raise
        log.info("installed %s from %s", final.name, archive)
        return _info(final, meta)


def remove(from_code: str, to_code: str, directory: Path | None = None) -> PackageInfo:
    """Uninstall the package for a pair; NotFound if there is none."""
    root = directory or packages_dir()
    if root.is_dir():
        _sweep(root)
    # Rename first (atomic), then delete: the package disappears whole or not at all.
    with staging_dir(root.parent, _staging_prefix(root, "removing")) as trash:
        with _exclusive(root):
            pkg = find(from_code, to_code, root)
            if pkg is None:
                raise NotFound(f"no installed package for {from_code}-{to_code} (see `pipeline "
                               "models list`)")
            pkg.path.rename(trash / pkg.name)
    return pkg


# -- the package index (network) ---------------------------------------------------------------

INDEX_TIMEOUT_S = 15


def _fetch(url: str, timeout: float = INDEX_TIMEOUT_S) -> bytes:
    """GET a URL; NetworkUnavailable when it cannot be reached."""
    import urllib.error
    import urllib.request

    from pipeline.errors import NetworkUnavailable

    try:
        req = urllib.request.Request(url, headers={"User-Agent": "pipeline (argos packages)"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return bytes(resp.read())
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise NetworkUnavailable(
            f"cannot reach the Argos package index ({getattr(exc, 'reason', exc)}); "
            "install from a file instead: pipeline models install --from-file PATH.argosmodel"
        ) from None


def available_packages() -> list[Any]:
    """The Argos package index, as argostranslate.package.AvailablePackage objects."""
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings

    raw = _fetch(argos_settings.remote_package_index)
    try:
        index = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ModelError(f"the package index is not valid JSON ({exc})") from None
    return [argos_package.AvailablePackage(m) for m in index if isinstance(m, dict)]


def install_pairs(
    pairs: Iterable[tuple[str, str]], directory: Path | None = None
) -> list[PackageInfo]:
    """Download the index packages for `pairs` and install each through install_file."""
    wanted = list(pairs)
    index = available_packages()
    done = []
    for src, tgt in wanted:
        match = [p for p in index if (p.from_code, p.to_code) == (src, tgt)]
        if not match:
            raise NotFound(f"the Argos index has no package for {src}-{tgt}; "
                           "translations will pivot through English if en packages exist")
        pkg = max(match, key=lambda p: str(p.package_version))
        links = [u for u in (pkg.links or []) if isinstance(u, str)]
        if not links:
            raise ModelError(f"the index entry for {src}-{tgt} has no download link")
        with tempfile.TemporaryDirectory(prefix="pipeline-download-") as tmp:
            dest = Path(tmp) / f"{src}_{tgt}.argosmodel"
            dest.write_bytes(_fetch(links[0], timeout=600))
            done.append(install_file(dest, directory))
    return done
