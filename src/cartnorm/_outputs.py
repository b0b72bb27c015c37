"""
Where the command line writes: outputs that appear whole or not at all, checked before anything runs.

Each output file named on the command line is written to a temporary file in the target's own
directory and renamed over the target only when the run completes (`AtomicFile`): a run that
fails, is interrupted or is killed never truncates or half-writes an existing file. (On Linux
the temporary file has no name until the rename, so a killed run leaves nothing behind;
elsewhere it is a hidden ``.NAME.*.cartnorm-partial`` beside the target.) Standard output, and
targets that are not regular files (``/dev/null``, a named pipe), are written directly
(`StreamSink`), whole lines at a time.

`check_paths` refuses, before anything is opened for writing, an output that is one of the
inputs (the same file through any path, symbolic or hard link), two outputs that are the same
file, and an output whose directory does not exist.

A sink for another kind of table (a database, Parquet) plugs in beside these: anything with
``name``, ``write(text)``, ``finish()``, ``commit()`` and ``abort()`` (`Sink`). Every sink of a
run is finished (its data written out, where a full disk shows) before any is committed (put
in place), so a run that fails to write one output replaces none.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Protocol

__all__ = [
    "AtomicFile",
    "OutputError",
    "PathError",
    "Sink",
    "StreamSink",
    "blocked_signals",
    "check_paths",
    "open_sink",
]

_BUFFER = 1 << 18


class OutputError(Exception):
    """An output could not be written (disk full, closed pipe …): ``target`` and the ``reason``."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(target, reason)
        self.target = target
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.target}: {self.reason}"


class PathError(Exception):
    """An output path that cannot be used (it is an input, or its directory is missing)."""


class Sink(Protocol):
    """Where one output goes: whole lines in, then ``commit`` (keep it) or ``abort`` (leave no trace)."""

    name: str

    def write(self, text: str) -> None:
        """Write ``text`` (one or more whole lines)."""

    def finish(self) -> None:
        """Write out everything written so far (`OutputError` if that fails)."""

    def commit(self) -> None:
        """Make everything written the target's content (after `finish`)."""

    def abort(self) -> None:
        """Drop everything written; the target is left as it was."""


def _reason(error: OSError) -> str:
    if isinstance(error, BrokenPipeError):
        return "the reader closed the pipe"
    return error.strerror or str(error)


class AtomicFile:
    """A regular file written beside its target and renamed over it on `commit`."""

    def __init__(self, target: str, name: str | None = None) -> None:
        self.name = name or target
        self.target = os.path.realpath(target)  # a symbolic link keeps pointing at the new content
        directory = os.path.dirname(self.target)
        try:
            mode = stat.S_IMODE(os.stat(self.target).st_mode)
        except FileNotFoundError:
            mode = None
        fd, self._partial = self._create(directory)
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            self._file: IO[str] = open(  # noqa: SIM115 - closed by commit or abort
                fd, "w", encoding="utf-8", newline="\n", buffering=_BUFFER, closefd=True
            )
        except BaseException:
            os.close(fd)
            self._remove_partial()
            raise
        self._fd = fd
        self._done = False

    def _create(self, directory: str) -> tuple[int, str | None]:
        """An unnamed file in ``directory`` (Linux), else a hidden named one; its name, if any."""
        fd = self._unnamed(directory)
        if fd is not None:
            return fd, None
        for _ in range(100):
            partial = self._partial_name()
            try:
                return os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), partial
            except FileExistsError:
                continue
        msg = f"cannot create a temporary file beside {self.target}"  # pragma: no cover - 100 clashes
        raise OSError(msg)  # pragma: no cover

    def _partial_name(self) -> str:
        name = f".{os.path.basename(self.target)}.{secrets.token_hex(4)}.cartnorm-partial"
        return os.path.join(os.path.dirname(self.target), name)

    def _unnamed(self, directory: str) -> int | None:
        """An ``O_TMPFILE`` file, if this system makes them and can give them a name later (else None)."""
        if not os.path.isdir("/proc/self/fd"):
            return None
        try:
            return os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o666)  # type: ignore[attr-defined,no-any-return,unused-ignore]
        except (AttributeError, OSError):
            return None

    def _name_unnamed(self) -> str:
        """Give the unnamed file a name beside the target; copy it to a named one if linking is refused."""
        try:
            return self._link(self._fd)
        except OSError:
            partial = self._partial_name()
            with open(f"/proc/self/fd/{self._fd}", "rb") as source, open(partial, "xb") as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
                copy.flush()
                os.fsync(copy.fileno())
            return partial

    def _link(self, fd: int) -> str:
        """Give the unnamed file ``fd`` a hidden name beside the target (``linkat`` through /proc)."""
        directory = os.open(os.path.dirname(self.target), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            for _ in range(100):
                partial = self._partial_name()
                try:
                    os.link(f"/proc/self/fd/{fd}", os.path.basename(partial), dst_dir_fd=directory)
                except FileExistsError:
                    continue
                return partial
        finally:
            os.close(directory)
        msg = f"cannot name a temporary file beside {self.target}"  # pragma: no cover - 100 clashes
        raise OSError(msg)  # pragma: no cover

    def write(self, text: str) -> None:
        """Write ``text``; `OutputError` if it cannot be."""
        try:
            self._file.write(text)
        except OSError as error:
            raise OutputError(self.name, _reason(error)) from None

    def finish(self) -> None:
        """Flush and sync the temporary file."""
        try:
            self._file.flush()
            os.fsync(self._fd)
        except OSError as error:
            raise OutputError(self.name, _reason(error)) from None

    def commit(self) -> None:
        """Put the temporary file in the target's place."""
        try:
            if self._partial is None:
                self._partial = self._name_unnamed()
            os.replace(self._partial, self.target)
            self._partial = None
            self._done = True
            self._file.close()
        except OSError as error:
            self.abort()
            raise OutputError(self.name, _reason(error)) from None

    def abort(self) -> None:
        """Close and delete the temporary file (the target is untouched)."""
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):
            self._file.close()
        self._remove_partial()

    def _remove_partial(self) -> None:
        if self._partial is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._partial)
            self._partial = None


class StreamSink:
    """Standard output, or a target that is not a regular file: written directly, whole lines at a time."""

    def __init__(self, name: str, stream: IO[bytes], *, owned: bool = False) -> None:
        self.name = name
        self._stream = stream
        self._owned = owned
        self._pending: list[str] = []
        self._size = 0
        self._failed = False

    def write(self, text: str) -> None:
        """Buffer ``text``; flush whole lines once enough is held."""
        self._pending.append(text)
        self._size += len(text)
        if self._size >= _BUFFER:
            self._flush()

    def _flush(self) -> None:
        data = "".join(self._pending).encode("utf-8")
        self._pending, self._size = [], 0
        if self._failed:
            return
        try:
            self._stream.write(data)
            self._stream.flush()
        except (OSError, ValueError) as error:
            self._failed = True
            self._silence()
            raise OutputError(self.name, _reason(error) if isinstance(error, OSError) else str(error)) from None

    def _silence(self) -> None:
        """After a failed write to standard output, let the interpreter's own last flush fail quietly."""
        if self._owned:
            with contextlib.suppress(OSError):
                self._stream.close()
            return
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def finish(self) -> None:
        """Write what is still buffered."""
        self._flush()
        if self._owned and not self._failed:
            self._failed = True  # closed: nothing more goes there
            try:
                self._stream.close()
            except OSError as error:
                raise OutputError(self.name, _reason(error)) from None

    def commit(self) -> None:
        """Nothing left to do: a stream has no place to be put in."""

    def abort(self) -> None:
        """Write the whole lines still buffered (they cannot be taken back from a stream) and stop."""
        with contextlib.suppress(OutputError):
            self.finish()


def open_sink(target: str | None, label: str) -> Sink:
    """The sink for ``target`` (``None`` or ``-``: standard output); ``label`` names it in messages."""
    if target is None or target == "-":
        return StreamSink("standard output", sys.stdout.buffer)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    try:
        if mode is not None and not stat.S_ISREG(mode):
            return StreamSink(target, open(target, "wb"), owned=True)
        return AtomicFile(target)
    except OSError as error:
        raise PathError(f"cannot write the {label} to {target}: {_reason(error)}") from None


def check_paths(inputs: Sequence[str], outputs: Sequence[tuple[str, str]]) -> None:
    """
    Refuse (`PathError`) an output that is an input, two outputs that are one file, or an output
    whose directory is missing; ``outputs`` are (label, path) pairs, ``-`` being standard output.
    """
    read = [_identity(name) for name in inputs if name != "-"]
    if "-" in inputs or not inputs:
        read.append(_stream_identity(sys.stdin))
    seen: dict[tuple[int, int] | str, str] = {}
    for label, path in outputs:
        if path == "-":  # standard output appending to an input (`>> input`) would feed itself
            if _stream_identity(sys.stdout) in read and _stream_identity(sys.stdout) is not None:
                raise PathError(f"standard output (the {label}) is one of the inputs: an input is never written")
            continue
        identity = _identity(path)
        if identity is not None and identity in read:
            raise PathError(f"the {label} file {path} is one of the inputs: an input is never written")
        key = identity or os.path.realpath(path)
        if key in seen:
            raise PathError(f"the {label} file {path} is also the {seen[key]} file: give each output its own file")
        seen[key] = label
        directory = os.path.dirname(os.path.realpath(path))
        if os.path.isdir(path):
            raise PathError(f"the {label} file {path} is a directory")
        if not os.path.isdir(directory):
            raise PathError(f"cannot write the {label} to {path}: the directory {directory} does not exist")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _stream_identity(stream: object) -> tuple[int, int] | None:
    """The (device, inode) of a standard stream that is a regular file, else None."""
    try:
        info = os.fstat(stream.fileno())  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


@contextlib.contextmanager
def blocked_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while outputs are put in place (delivered right after)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
