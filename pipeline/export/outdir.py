"""Which directory an export may write its editions into (and so delete files from).

An export replaces and removes files in its output directory, steered by its manifest, so the
directory must be the edition's own: a new or empty directory, or one an earlier export wrote
(it holds `.pipeline-export.json`). Never the file system's root, a system directory, a home
directory, or the workspace itself (or a directory holding it), whatever it holds; a
`paths.editions = "/"` or `--out ~` is refused in one line before anything is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import UsageError

MANIFEST = ".pipeline-export.json"
_CLAIM = b"{}\n"
#: A staging directory or a temporary file of an export that was killed: .<name>.<id>.<kind>
_LEFTOVER = re.compile(r"\A\.[^/]+\.[0-9a-f]+\.(staging|tmp)\Z")
#: Directories of the system an edition never goes into (an edition below them is fine).
_SYSTEM = frozenset(Path(p) for p in (
    "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media",
    "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
    "/var/tmp", "/usr/local", "/Users", "/Applications", "/System", "/Library", "/private"))


def check_edition_dir(out: Path, workspace: Path | None = None) -> None:
    """UsageError when `out` is not a directory an export may own; nothing is created here."""
    shown = str(out)
    where = Path(os.path.abspath(out))
    try:
        real = where.resolve()
    except (OSError, RuntimeError):  # a loop of symlinks
        raise UsageError(f"the editions directory {shown} cannot be resolved (a loop of "
                         "symbolic links?)") from None
    why = _forbidden(real, workspace)
    if why is not None:
        raise UsageError(f"refusing to write editions into {shown} ({why}): an export replaces "
                         "and deletes files there; set --out or paths.editions to a directory "
                         "of its own, such as editions/ in the workspace")
    try:
        entries = os.listdir(real)
    except FileNotFoundError:
        return  # created by the export
    except NotADirectoryError:
        raise UsageError(f"--out {shown} is a file, not a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read the editions directory {shown}: "
                         f"{exc.strerror or exc}") from None
    # What a killed first export leaves (a staging directory, temporaries) is the edition's own.
    others = [e for e in entries if not _LEFTOVER.match(e)]
    if others and MANIFEST not in entries:
        raise UsageError(f"refusing to write editions into {shown}: it holds other files and "
                         f"no {MANIFEST} (no export wrote it); choose an empty directory, or "
                         f"write {{}} into {shown}/{MANIFEST} to make it the edition's")


@contextmanager
def claimed(root: Path) -> Iterator[None]:
    """Mark a new edition directory as the edition's (an empty manifest) before anything is
    written there, so a first export killed midway leaves a directory the next one accepts.

    A run that fails or is interrupted (Ctrl-C) takes its claim back when it left nothing
    else: the directory is as it was.
    """
    manifest = root / MANIFEST
    if os.path.lexists(manifest):
        yield
        return
    from pipeline import atomicfile

    atomicfile.write_atomic(manifest, _CLAIM)
    try:
        yield
    except BaseException:
        try:
            if os.listdir(root) == [MANIFEST] and manifest.read_bytes() == _CLAIM:
                manifest.unlink()
        except OSError:
            pass
        raise


def _forbidden(real: Path, workspace: Path | None) -> str | None:
    if real == Path(real.anchor):
        return "the root of the file system"
    if real in _SYSTEM:
        return "a system directory"
    try:
        home = Path.home().resolve()
    except (OSError, RuntimeError, KeyError):
        home = None
    if home is not None and real == home:
        return "a home directory"
    if workspace is not None:
        ws = workspace.resolve()
        if real == ws:
            return "the workspace itself"
        if ws.is_relative_to(real):
            return "it holds the workspace"
    return None
