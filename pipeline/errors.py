"""One exception base for every user-facing failure; the CLI maps kinds to exit codes."""

from __future__ import annotations

from pathlib import Path

#: Line breaks a message or a path can carry from user data (a CSV header cell, a file name).
_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028",
                         "\u2029": "\\u2029"})
#: Longest message shown: a 1 MB unit id or CSV cell quoted in it is cut, not printed whole.
MAX_MESSAGE = 2000


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` with its line breaks shown as escapes and cut to `limit` characters.

    >>> one_line("unknown: two\\nlines")
    'unknown: two\\\\nlines'
    """
    text = text.translate(_BREAKS)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


class PipelineError(Exception):
    """A failure the user can act on, shown as one line without a traceback."""

    exit_code = 1

    def __init__(
        self, message: str, *, path: str | Path | None = None, line: int | None = None
    ) -> None:
        # One line whatever the user data in it (a header cell with a line break, a file name
        # with a newline), and bounded.
        self.message = one_line(message)
        self.path = one_line(str(path)) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


class UsageError(PipelineError):
    """The command was called with arguments that cannot work."""

    exit_code = 2


class ConfigError(UsageError):
    """pipeline.toml is missing a value, has an unknown key, or a bad value."""


class WorkspaceNotFound(UsageError):
    """No pipeline.toml was found for the command to work in."""


class InputError(PipelineError):
    """An input file cannot be read or parsed (binary, bad encoding, malformed, too large)."""


class StoreError(PipelineError):
    """The database cannot be opened, is too new, or a write failed."""


class NotFound(PipelineError):
    """A named article, unit, package or event does not exist."""


class TransitionError(PipelineError):
    """A review action is not allowed from the translation's current status."""


class ConflictError(PipelineError):
    """The translation changed since it was read (revision mismatch) or is claimed by another."""


class DirectoryBusy(PipelineError):
    """Another process is writing the same output directory (an export), past the lock timeout."""


class PolicyError(PipelineError):
    """A workspace rule forbids the action (for example the four-eyes rule)."""


class ModelError(PipelineError):
    """A translation package is missing, invalid, or cannot be installed."""


class NetworkUnavailable(ModelError):
    """The package index cannot be reached."""


class DiskFull(PipelineError):
    """The disk (or the database's file system) has no space left; nothing was half-written."""


class DatabaseBusy(StoreError):
    """Another process held the database's write lock for longer than the lock timeout."""


#: Failures of the machine, not of one input: a run stops at the first one instead of going on.
FATAL = (DiskFull, DatabaseBusy)


class PermissionDenied(PipelineError):
    """The signed-in person's role or languages do not allow the action (the web answers 403)."""


class AuthError(PipelineError):
    """A sign-in, session or API token was refused (wrong password, expired, rate-limited)."""


class RateLimited(AuthError):
    """Too many failed sign-ins for a name or a client address; wait and try again."""


class WorkerFailed(PipelineError):
    """A worker process stopped without finishing its share of a run (killed, out of memory)."""
