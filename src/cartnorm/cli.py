"""
The ``cartnorm`` command line: normalize, denormalize, validate, conformance, docs.

Every command reads JSON Lines, JSON arrays or JSON documents from files or standard input
(``-``), streams them with bounded memory (`cartnorm.read_records`'s reader), and reports a
user's bad input as one line naming the file, the line and the JSON path: never a traceback.
Outputs appear whole or not at all (`cartnorm._outputs`); the exit status says how a run ended.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from . import __version__
from ._datetime import parse_rfc3339
from ._frames import READ_BUFFER, Frame, Spool, frames
from ._json import DOCUMENT_LIMITS, encode_json
from ._outputs import OutputError, PathError, Sink, blocked_signals, check_paths, open_sink
from ._parallel import default_jobs, ordered_map
from ._report import Tally, rejects_line, warning_line
from .adapter import Adapter, Option
from .codec import dumps, from_trackstar
from .conformance import discover_cases, run_case
from .docgen import regenerate
from .errors import CartnormError, ConfigurationError, MissingDependencyError, PayloadError, ReadError
from .etl import Accepted, Rejection, check_options, process_record, reason_code
from .limits import DEFAULT_LIMITS, Limits
from .reading import DEFAULT_MAX_RECORD_BYTES, Unreadable, binary, exact_record, parse_frame, read_records
from .registry import available_adapters, get_adapter
from .schema import validate_trackstar

if TYPE_CHECKING:
    from .tables.sinks import SinkReport, TableSink

__all__ = ["flag_problems", "main"]

EXIT_OK, EXIT_REJECTS, EXIT_USAGE, EXIT_INPUT, EXIT_OUTPUT = 0, 1, 2, 3, 4
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM
_SHOWN_REJECTIONS = 20
#: Canonical documents nest deeper than vendor payloads (see `cartnorm._json.DOCUMENT_LIMITS`).
_DOCUMENT_READ_LIMITS = Limits(max_depth=DOCUMENT_LIMITS.max_depth)

_EXIT_STATUSES = f"""\
exit status:
  {EXIT_OK}    every record was converted (or --allow-rejects was given)
  {EXIT_REJECTS}    some records were rejected (validate: invalid documents; conformance: failed cases;
       docs --check: stale docs); the outputs were written
  {EXIT_USAGE}    a usage error: a bad option, an input that cannot be opened, an output that is an
       input or whose directory is missing; nothing was read or written
  {EXIT_INPUT}    an input could not be read to its end (a JSON array broken beyond one record, a
       read error); no output file was replaced
  {EXIT_OUTPUT}    an output could not be written (disk full, the reader closed the pipe); no output
       file was replaced
  {EXIT_SIGINT}  interrupted (Ctrl-C, SIGINT); no output file was replaced
  {EXIT_SIGTERM}  terminated (SIGTERM); no output file was replaced

Output files are written beside their target and renamed over it when the run completes: a
run that fails, is interrupted or killed leaves existing files as they were (a signal in the
instant after they are in place exits 130 or 143 and says so).
"""


class _UsageError(Exception):
    """A problem with the command line or the files named on it (exit status 2)."""


class _Terminated(BaseException):
    """SIGTERM arrived (raised by the handler, so that the run stops as for Ctrl-C)."""


def _on_sigterm(_signum: int, _frame: object) -> NoReturn:
    raise _Terminated


def _check_inputs(names: Sequence[str]) -> list[str]:
    """The inputs (``-`` for standard input when none), each one readable: else `_UsageError`."""
    files = list(names) or ["-"]
    for name in files:
        if name == "-":
            continue
        try:
            is_dir = os.path.isdir(name)
            os.stat(name)  # not opened: a named pipe would be consumed
        except OSError as error:
            raise _UsageError(f"cannot read {name}: {error.strerror}") from None
        if is_dir:
            raise _UsageError(f"cannot read {name}: it is a directory")
        if not os.access(name, os.R_OK):
            raise _UsageError(f"cannot read {name}: permission denied")
    return files


def _streams(files: Sequence[str]) -> Iterator[tuple[str, IO[bytes]]]:
    """Each input opened for reading (binary), in turn; a hint first when standard input is a terminal."""
    for name in files:
        if name == "-":
            if sys.stdin.isatty():
                sys.stderr.write(
                    "cartnorm: reading JSON records from the terminal: paste them and end with Ctrl-D "
                    "(or pass a FILE; cartnorm --help)\n"
                )
            yield "<stdin>", getattr(sys.stdin, "buffer", None) or binary(sys.stdin)
            continue
        try:
            stream = open(name, "rb", buffering=READ_BUFFER)  # noqa: SIM115 - closed right after streaming
        except OSError as error:
            raise _InputError(f"cannot read {name}: {error.strerror}") from None
        with stream:
            yield name, stream


class _InputError(Exception):
    """An input that could not be read to its end (exit status 3)."""


def _numbered(files: Sequence[str], max_record_bytes: int, keep_long: bool) -> Iterator[Frame]:
    """Every record of every input, numbered from 1 across the inputs (lines too long kept if ``keep_long``)."""
    number = 0
    for source, stream in _streams(files):
        try:
            for frame in frames(stream, source, max_record_bytes, keep_long=keep_long):
                number += 1
                frame.source, frame.number = source, number
                yield frame
        except OSError as error:
            raise _InputError(f"cannot read {source}: {error.strerror or error}") from None


class _Progress:
    """A one-line counter on a terminal; silent when stderr is not one."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.shown = 0.0

    def tick(self, tally: Tally) -> None:
        if self.enabled and tally.elapsed() - self.shown >= 0.2:
            self.shown = tally.elapsed()
            rate = tally.records / max(self.shown, 1e-9)
            sys.stderr.write(f"\rcartnorm: {tally.records:,} records ({rate:,.0f}/s)")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")


class _Run:
    """
    One run of a streaming command: its outputs, its counts, and how it ends.

    Results come in as tuples, one per record: ``(True, line, source, status, order_id,
    warnings)`` for a record converted, ``(False, reason, error, path, message, source,
    warnings)`` for one rejected (warnings are ``(code, path, message)`` triples).
    """

    def __init__(self, command: str, args: argparse.Namespace) -> None:
        self.command = command
        self.args = args
        self.files = _check_inputs(args.files)
        wanted = [
            # JSON Lines go to standard output by default, but with --to only when -o asks for them
            ("orders", args.output or (None if getattr(args, "to", None) else "-")),
            ("rejects", args.rejects),
            ("warnings", getattr(args, "warnings", None)),
            ("summary", args.summary),
        ]
        named = [(label, path) for label, path in wanted if path is not None]
        if sum(path == "-" for _, path in named) > 1:
            raise _UsageError("only one output can go to standard output ('-')")
        try:
            check_paths(self.files, named)
        except PathError as error:
            raise _UsageError(str(error)) from None
        self.sinks: dict[str, Sink] = {}
        self.tables: TableSink | None = None
        try:
            for label, path in named:
                self.sinks[label] = open_sink(path, label)
            self.tables = _open_tables(args, self.files, named)
        except BaseException as error:
            self._abort()
            if isinstance(error, PathError):
                raise _UsageError(str(error)) from None
            raise
        self.tally = Tally(command)
        self.committed = False  # the output files are in place: a stop now says so, and drops nothing
        self.summary_started = False  # the summary is written once (interrupted while written: dropped, not redone)
        self.stopped: int | None = None  # the status of the first stop (a second, while stopping, changes nothing)
        self.progress = _Progress(False if args.quiet else args.progress)

    def records(self) -> Iterator[Frame]:
        """The records of the inputs, in order."""
        return _numbered(self.files, self.args.max_record_bytes, self.args.rejects is not None)

    def take(self, frame: Frame, result: tuple[Any, ...]) -> None:
        """Count and write one record's result."""
        tables, refused = self.tables, None
        if result[0] and tables is not None:
            refused = tables.write(result[6], record=_record_text(frame), input_name=frame.source, line=frame.line)
            if refused is not None:  # an order the tables cannot hold exactly is a rejection everywhere
                result = (False, refused.reason, refused.error, refused.path, refused.message, result[2], result[5])
        if result[0]:
            _, line, source, status, order_id, warnings, _ = result
            orders = self.sinks.get("orders")
            if orders is not None:
                orders.write(line + "\n")
            self.tally.order(frame, source, status, warnings)
        else:
            _, reason, error, path, message, source, warnings = result
            order_id = None
            if tables is not None and refused is None:  # (the sink keeps the rejections it makes itself)
                rejection = Rejection(
                    frame.number - 1, _record_text(frame), path, error, message, reason=reason, source=source
                )
                tables.write(rejection, input_name=frame.source, line=frame.line)
            self.tally.rejection(frame, source, reason, warnings)
            rejects = self.sinks.get("rejects")
            if rejects is not None:
                rejects_line(rejects, frame, reason, error, path, message, source)
            if not self.args.quiet and (rejects is None or self.tally.rejected <= _SHOWN_REJECTIONS):
                self.progress.clear()
                sys.stderr.write(
                    f"cartnorm: {frame.source}:{frame.line} (record {frame.number}): {reason}: {message}\n"
                )
        written = self.sinks.get("warnings")
        if warnings and written is not None:
            for warning in warnings:
                written.write(warning_line(frame, source, order_id, warning))
        self.progress.tick(self.tally)

    def finish(self) -> int:
        """The run read everything: put the outputs in place, report, and give the exit status."""
        self.progress.clear()
        code = EXIT_REJECTS if self.tally.rejected and not self.args.allow_rejects else EXIT_OK
        try:
            kept = [self.sinks[label] for label in ("orders", "rejects", "warnings") if label in self.sinks]
            for sink in kept:
                sink.finish()
            report = None if self.tables is None else _commit_tables(self.tables, self.args.to)
            with blocked_signals():
                for sink in kept:
                    sink.commit()
                self.committed = True  # before a held signal is delivered
        except OutputError as error:
            return self.stop(EXIT_OUTPUT, str(error))
        if not self.args.quiet:
            sys.stderr.write(self._summary_line() + "\n")
            if report is not None:
                sys.stderr.write(f"cartnorm {self.command}: {report.summary(self.args.to)}\n")
        elif self.tally.rejected and "rejects" not in self.sinks:
            rejected = self.tally.rejected
            records = f"{rejected:,} record{'s' * (rejected != 1)}"
            sys.stderr.write(f"cartnorm {self.command}: {records} rejected and not kept\n")
        return self._write_summary(code, completed=True, error=None)

    def _summary_line(self) -> str:
        tally, args = self.tally, self.args
        words = tally.counts()
        if tally.rejected:
            if args.rejects is not None:
                shown = "" if tally.rejected <= _SHOWN_REJECTIONS else f"the first {_SHOWN_REJECTIONS} shown above; "
                words += f" ({shown}all written to {args.rejects})"
            else:
                words += " (reasons above; pass --rejects FILE to keep the records)"
        warned = tally.warning_words()
        if warned:
            kept = getattr(args, "warnings", None)
            words += f", {warned[:-1]}; {f'written to {kept}' if kept else 'pass --warnings FILE to keep them'})"
        return f"cartnorm {self.command}: {words} in {tally.elapsed():.2f} s"

    def stop(self, code: int, problem: str) -> int:
        """The run ended early: drop the outputs, say (on one line) what and how far it got, give ``code``."""
        if self.stopped is not None:  # interrupted while stopping: the first stop's line and status stand
            self._abort()  # and what it left unfinished is dropped (what is in place stays)
            return self.stopped
        self.stopped = code
        self.progress.clear()
        tally = self.tally
        if self.committed:  # Ctrl-C while the last line was printed: the run is whole
            sys.stderr.write(
                f"cartnorm: error: {problem} as the run ended; {tally.counts()}, the outputs already in place\n"
            )
            return self._write_summary(code, completed=True, error=problem)
        tables_written = self.tables is not None and self.tables.committed
        self._abort(keep_summary=True)
        where = f" (the last at {tally.last[0]}:{tally.last[1]})" if tally.last else ""
        streamed = "orders" in self.sinks and self.sinks["orders"].name == "standard output" and tally.orders
        written = (
            f"{tally.orders:,} orders were already written to standard output, no output file was replaced"
            if streamed
            else "no output file was written or replaced"
        )
        if tables_written:  # a signal as the tables were committed, before the files were
            written = f"the tables ({self.args.to}) were already written; {written}"
        if self.args.summary is not None:
            written += f" (but the summary, {self.args.summary})"
        sys.stderr.write(f"cartnorm: error: {problem}; stopped after {tally.counts()}{where}; {written}\n")
        return self._write_summary(code, completed=False, error=problem)

    def _abort(self, *, keep_summary: bool = False) -> None:
        if self.tables is not None:
            self.tables.abort()
        for label, sink in self.sinks.items():
            if not (keep_summary and label == "summary"):
                sink.abort()

    def _write_summary(self, code: int, *, completed: bool, error: str | None) -> int:
        sink = self.sinks.get("summary")
        if sink is None:
            return code
        if self.summary_started:  # once: one interrupted while it was written is dropped, never written twice
            sink.abort()
            return code
        self.summary_started = True
        outputs = {label: getattr(self.args, name, None) for label, name in _OUTPUT_OPTIONS}
        outputs["orders"] = outputs["orders"] or "-"
        try:
            sink.write(self.tally.summary(completed=completed, exit_code=code, outputs=outputs, error=error))
            sink.finish()
            with blocked_signals():
                sink.commit()
        except OutputError as failure:
            sink.abort()
            sys.stderr.write(f"cartnorm: error: {failure}\n")
            return EXIT_OUTPUT
        return code


_OUTPUT_OPTIONS = (("orders", "output"), ("rejects", "rejects"), ("warnings", "warnings"), ("tables", "to"))


def _open_tables(args: argparse.Namespace, inputs: Sequence[str], outputs: list[tuple[str, str]]) -> TableSink | None:
    """The table sink of ``normalize --to`` (`cartnorm.tables.sinks`), or None; never on an input or an output."""
    target = getattr(args, "to", None)
    if not target:
        return None
    from .table_schema import DEFAULT_MONEY, MoneyType  # noqa: PLC0415 - only for --to
    from .tables.sinks import open_sink as open_table_sink  # noqa: PLC0415 - only for --to

    kind, _, path = target.partition(":")
    if kind == "duckdb" and path:
        check_paths(inputs, [*[(label, name) for label, name in outputs if label != "summary"], ("tables", path)])
    money = MoneyType.parse(args.decimal) if args.decimal else DEFAULT_MONEY
    return open_table_sink(target, money=money)


def _commit_tables(tables: TableSink, target: str) -> SinkReport:
    """Merge the run into the tables, all at once; a failure is an `OutputError` (nothing was changed)."""
    try:
        return tables.commit()
    except CartnormError:
        raise
    except Exception as error:  # noqa: BLE001 - the database's own errors (disk full, a lock) end the run cleanly
        raise OutputError(f"the tables {target}", str(error)) from None


def _record_text(frame: Frame) -> str:
    """A record's exact text for the tables' ``rejects`` (bytes that are not UTF-8 as base64, marked)."""
    record = exact_record(frame)
    if isinstance(record, Spool):
        record = b"".join(record.chunks())
        with contextlib.suppress(UnicodeDecodeError):
            record = record.decode("utf-8")
    if isinstance(record, bytes):
        return "base64:" + base64.b64encode(record).decode("ascii")
    return record


def _stream(
    command: str,
    args: argparse.Namespace,
    function: Any,
    initializer: Any,
    initargs: tuple[Any, ...],
    jobs: int = 1,
) -> int:
    """Run a streaming command: every record through ``function`` (in batches, maybe in workers)."""
    run = _Run(command, args)
    results = ordered_map(function, run.records(), jobs=jobs, initializer=initializer, initargs=initargs)
    try:
        for frame, result in results:
            run.take(frame, result)
        return run.finish()  # an interruption while the outputs are synced stops the run like one before
    except ReadError as error:
        return run.stop(EXIT_INPUT, str(error))
    except _InputError as error:
        return run.stop(EXIT_INPUT, str(error))
    except OutputError as error:
        return run.stop(EXIT_OUTPUT, str(error))
    except KeyboardInterrupt:
        return run.stop(EXIT_SIGINT, "interrupted (SIGINT)")
    except _Terminated:
        return run.stop(EXIT_SIGTERM, "terminated (SIGTERM)")
    except BaseException:
        run.stop(EXIT_USAGE, "stopped by an unexpected error (details below)")
        raise
    finally:
        results.close()  # type: ignore[attr-defined]


def _declared_flags() -> dict[str, list[tuple[Adapter, Option]]]:
    """
    Every command-line flag the available adapters declare (`Adapter.options`), with who declares it.

    Adapters may share a flag only by declaring the same option under it (a plugin that
    reuses a flag for something else is a `ConfigurationError`, loud rather than ambiguous).
    """
    flags: dict[str, list[tuple[Adapter, Option]]] = {}
    for adapter in available_adapters().values():
        for option in adapter.options:
            if option.flag is None:
                continue
            given: object = option.flag  # plugins may not be typed
            if not isinstance(given, str):  # said in full by _add_flag; a dict key must be text first
                msg = f"the {adapter.name} adapter's option {option.name!r} declares the flag {given!r}, not text"
                raise ConfigurationError(msg)
            declared = flags.setdefault(option.flag, [])
            if declared and declared[0][1].name != option.name:
                first = declared[0][0].name
                msg = f"{option.flag} is {first}'s option {declared[0][1].name!r} and {adapter.name}'s {option.name!r}"
                raise ConfigurationError(msg)
            declared.append((adapter, option))
    return flags


def _flag_dest(flag: str) -> str:
    return "option_" + flag.lstrip("-").replace("-", "_")


def _adapter_options(args: argparse.Namespace) -> dict[str, Any]:
    """The adapter options the command line gives, by name, each parsed by its declaration."""
    options: dict[str, Any] = {}
    fixed = get_adapter(args.source) if getattr(args, "source", None) else None
    for flag, declared in _declared_flags().items():
        given = getattr(args, _flag_dest(flag), None)
        if given is None:
            continue
        owners = [adapter for adapter, _ in declared]
        if fixed is not None and fixed not in owners:
            names = ", ".join(adapter.name for adapter in owners)
            raise _UsageError(f"{flag} is an option of {names}; --source {fixed.name} does not take it")
        option = declared[0][1]
        options[option.name] = option.parse(given if isinstance(given, list) else [given])
    return options


def _observed_at(args: argparse.Namespace) -> Any:
    if args.observed_at is None:
        return None
    try:
        return parse_rfc3339(args.observed_at, "--observed-at")
    except PayloadError as error:
        raise _UsageError(f"--observed-at: {error.problem}") from None


# Worker-process state of a streaming command, set once per process by its initializer.
_WORKER: dict[str, Any] = {}


def _init_normalize(
    source: str | None,
    observed_at: datetime,
    options: dict[str, Any],
    strict: bool,
    keep_orders: bool = False,
    write_lines: bool = True,
) -> None:
    adapter = get_adapter(source) if source else None
    _WORKER.update(
        adapter=adapter, observed_at=observed_at, options=options, strict=strict, keep=keep_orders, lines=write_lines
    )


def _unreadable(bad: Unreadable) -> tuple[Any, ...]:
    error = bad.error
    return (False, bad.reason, type(error).__name__, error.path, str(error), None, ())


def _normalize_batch(batch: list[Frame]) -> list[tuple[Any, ...]]:
    """Parse (bounded: the only check), convert and write each record of a batch."""
    adapter, observed_at, options, strict, keep, lines = (
        _WORKER[key] for key in ("adapter", "observed_at", "options", "strict", "keep", "lines")
    )
    results: list[tuple[Any, ...]] = []
    for frame in batch:
        try:
            value, _ = parse_frame(frame, DEFAULT_LIMITS)
        except Unreadable as bad:
            results.append(_unreadable(bad))
            continue
        outcome = process_record(frame.number - 1, value, adapter, observed_at, options, None, owned=True)
        if not isinstance(outcome, Accepted):
            results.append((False, outcome.reason, outcome.error, outcome.path, outcome.message, outcome.source, ()))
            continue
        warnings = tuple((warning.code, warning.path, warning.message) for warning in outcome.warnings)
        if strict and warnings:
            listed = "; ".join(f"{code} @ {path}: {message}" for code, path, message in warnings)
            message = f"--strict: a warning rejects the record: {listed}"
            results.append((False, "strict_warning", "DataWarning", warnings[0][1], message, outcome.source, warnings))
            continue
        order = outcome.order
        kept = outcome if keep else None  # for a table sink (--to): the order itself, not its text
        line = dumps(order) if lines else None  # (--to without -o: no JSON Lines, none written)
        results.append((True, line, outcome.source, order.status.value, order.id, warnings, kept))
    return results


def _init_denormalize(target: str) -> None:
    _WORKER.update(adapter=get_adapter(target))


def _denormalize_batch(batch: list[Frame]) -> list[tuple[Any, ...]]:
    """Read each canonical document of a batch and write it as the target's payload."""
    adapter = _WORKER["adapter"]
    results: list[tuple[Any, ...]] = []
    for frame in batch:
        try:
            value, _ = parse_frame(frame, _DOCUMENT_READ_LIMITS)
            order = from_trackstar(value)
            line = encode_json(adapter.from_canonical(order))
        except Unreadable as bad:
            results.append(_unreadable(bad))
        except CartnormError as error:
            path = error.path if isinstance(error, PayloadError) else "$"
            name = type(error).__name__
            results.append((False, reason_code(name), name, path, str(error), adapter.name, ()))
        else:
            results.append((True, line, adapter.name, order.status.value, order.id, (), None))
    return results


def _cmd_normalize(args: argparse.Namespace) -> int:
    fixed = get_adapter(args.source) if args.source else None  # fail fast, before reading anything
    options = _adapter_options(args)
    check_options(fixed, options)  # their values too
    observed_at = _observed_at(args) or datetime.now(timezone.utc)  # one stamp for the whole run
    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        raise _UsageError(f"--jobs must be at least 1, got {jobs}")
    if args.decimal and not args.to:
        raise _UsageError("--decimal sets the money type of the tables: it needs --to")
    initargs = (args.source, observed_at, options, args.strict, bool(args.to), bool(args.output or not args.to))
    return _stream("normalize", args, _normalize_batch, _init_normalize, initargs, jobs)


def _cmd_denormalize(args: argparse.Namespace) -> int:
    get_adapter(args.target)  # fail fast, before reading anything
    return _stream("denormalize", args, _denormalize_batch, _init_denormalize, (args.target,))


def _cmd_validate(args: argparse.Namespace) -> int:
    total = invalid = 0
    try:
        for source, stream in _streams(_check_inputs(args.files)):
            for item in read_records(
                stream, name=source, limits=_DOCUMENT_READ_LIMITS, max_record_bytes=args.max_record_bytes
            ):
                total += 1
                where = f"{item.location.source}:{item.location.line} (record {total})"  # type: ignore[union-attr]
                if not item.ok:
                    invalid += 1
                    sys.stderr.write(f"cartnorm: {where}: {item.reason}: {item.message}\n")  # type: ignore[union-attr]
                    continue
                violations = validate_trackstar(item.value)  # type: ignore[union-attr]
                if violations:
                    invalid += 1
                    for violation in violations:
                        sys.stdout.write(f"{where}: {violation}\n")
    except (ReadError, _InputError) as error:
        sys.stderr.write(f"cartnorm: error: {error}\n")
        sys.stderr.write(f"cartnorm validate: stopped after {total:,} records, {invalid:,} invalid\n")
        return EXIT_INPUT
    sys.stderr.write(f"cartnorm validate: {total:,} records, {total - invalid:,} valid, {invalid:,} invalid\n")
    return EXIT_REJECTS if invalid else EXIT_OK


def _cmd_conformance(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise _UsageError(f"{directory} is not a directory")
    cases = list(discover_cases(directory))
    if not cases:
        raise _UsageError(f"no <case>.payload.json files under {directory}")
    resolve = (lambda _source: get_adapter(args.source)) if args.source else get_adapter
    failed = 0
    for case in cases:
        result = run_case(case, resolve)
        if not result.passed:
            failed += 1
            sys.stdout.write(result.report() + "\n")
        elif args.verbose:
            sys.stdout.write(result.report() + "\n")
    sys.stdout.write(f"conformance: {len(cases) - failed} passed, {failed} failed\n")
    return EXIT_REJECTS if failed else EXIT_OK


def _cmd_docs(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not (root / "docs").is_dir():
        raise _UsageError(f"{root} has no docs/ directory (run from the project root or pass --root)")
    changed = regenerate(root, check=args.check)
    for path in changed:
        sys.stdout.write(f"{'out of date' if args.check else 'regenerated'}: {path}\n")
    if args.check and changed:
        return EXIT_REJECTS
    if not changed:
        sys.stdout.write("docs are up to date\n")
    return EXIT_OK


def _byte_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of bytes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1 byte, got {value}")
    return value


def _inputs(command: argparse.ArgumentParser) -> None:
    command.add_argument("files", nargs="*", metavar="FILE", help="JSON Lines, JSON array or JSON; - for stdin")
    command.add_argument(
        "--max-record-bytes",
        type=_byte_count,
        default=DEFAULT_MAX_RECORD_BYTES,
        metavar="N",
        help=f"refuse a record longer than N bytes (default: {DEFAULT_MAX_RECORD_BYTES:,})",
    )


def _streaming(command: argparse.ArgumentParser) -> None:
    command.add_argument("-o", "--output", metavar="OUT", help="where to write JSON Lines (default: stdout)")
    command.add_argument(
        "--rejects", metavar="REJECTS.jsonl", help="keep rejected records here, whole, with where and why"
    )
    command.add_argument("--allow-rejects", action="store_true", help="exit 0 even when records were rejected")
    command.add_argument("--summary", metavar="FILE", help="write a JSON summary of the run (counts, time) here")
    command.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing on stderr but errors (no summary line)"
    )
    command.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: on a tty)",
    )


def _normalize_arguments(normalize: argparse.ArgumentParser, names: str) -> None:
    """The arguments of ``cartnorm normalize`` that are cartnorm's own (the adapters' flags come after)."""
    _inputs(normalize)
    normalize.add_argument("--source", metavar="NAME", help=f"the vendor ({names}); default: detect per record")
    normalize.add_argument(
        "--observed-at", metavar="DATETIME", help="RFC 3339 time for trackstar_*_date (default: now)"
    )
    normalize.add_argument(
        "--jobs", type=int, metavar="N", help="worker processes (default: all cores; 1 runs in this process)"
    )
    normalize.add_argument(
        "--to",
        metavar="duckdb:FILE|parquet:DIR",
        help="upsert typed tables into a DuckDB file or Parquet datasets (JSON Lines only with -o); see docs/tables.md",
    )
    normalize.add_argument("--decimal", metavar="P,S", help="money column type DECIMAL(P,S) for --to (default: 38,20)")
    normalize.add_argument("--warnings", metavar="FILE", help="write every warning here (JSON Lines)")
    normalize.add_argument("--strict", action="store_true", help="reject a record that gives any warning")
    _streaming(normalize)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cartnorm",
        description="Vendor order payloads to Trackstar cart orders, and back.",
        epilog=_EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cartnorm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = ", ".join(available_adapters())

    def subcommand(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=help_text, epilog=_EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter
        )

    normalize = subcommand("normalize", "vendor payloads → Trackstar JSON Lines")
    _normalize_arguments(normalize, names)
    _adapter_flags(normalize)
    normalize.set_defaults(run=_cmd_normalize)

    denormalize = subcommand("denormalize", "Trackstar JSON → vendor payloads (JSON Lines)")
    _inputs(denormalize)
    denormalize.add_argument("--target", required=True, metavar="NAME", help=f"the vendor ({names})")
    _streaming(denormalize)
    denormalize.set_defaults(run=_cmd_denormalize)

    validate = subcommand("validate", "check Trackstar JSON against Trackstar's schema")
    _inputs(validate)
    validate.set_defaults(run=_cmd_validate)

    conformance = subcommand("conformance", "run <case>.payload.json → .expected.json fixture pairs")
    conformance.add_argument("directory", metavar="DIR")
    conformance.add_argument("--source", metavar="NAME", help="the vendor for every case (default: per directory)")
    conformance.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    conformance.set_defaults(run=_cmd_conformance)

    docs = subcommand("docs", "regenerate the generated tables in docs/")
    docs.add_argument("--root", default=".", help="the project root (default: .)")
    docs.add_argument("--check", action="store_true", help="only report drift; exit 1 when docs are stale")
    docs.set_defaults(run=_cmd_docs)
    return parser


def _silence_stdout() -> None:
    """After standard output failed, point it at /dev/null so the interpreter's last flush is quiet."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _adapter_flags(command: argparse.ArgumentParser) -> None:
    """One flag per option the adapters declare, grouped by adapter; each applies to its adapters' records."""
    groups: dict[str, Any] = {}
    for flag, declared in _declared_flags().items():
        option = declared[0][1]
        names = ", ".join(owner.name for owner, _ in declared)
        group = groups.get(names)
        if group is None:
            group = groups[names] = command.add_argument_group(f"{names} options (applied to {names} records only)")
        _add_flag(group, flag, option, [owner.name for owner, _ in declared])


def _add_flag(command: Any, flag: str, option: Option, owners: list[str]) -> None:
    """
    Add ``option``'s flag to ``command``; one that is not a long flag, or that cartnorm's own
    command line uses, is a `ConfigurationError`.
    """
    if not (isinstance(flag, str) and flag.startswith("--") and len(flag) > 2):
        example = f"--{owners[0]}-…"
        msg = (
            f"the {', '.join(owners)} adapter's option {option.name!r} declares the flag {flag!r}, "
            f"which is not a long flag (such as {example!r})"
        )
        raise ConfigurationError(msg)
    try:
        command.add_argument(
            flag,
            dest=_flag_dest(flag),
            action="append" if option.repeat else "store",
            metavar=option.metavar,
            help=f"{option.help} ({option.type}{'; repeatable' if option.repeat else ''})",
        )
    except (argparse.ArgumentError, ValueError) as error:
        msg = (
            f"the {', '.join(owners)} adapter's option {option.name!r} declares the flag {flag!r}, which cartnorm "
            f"normalize cannot take ({error}): an adapter's flag is a long flag of its own, such as '--{owners[0]}-…'"
        )
        raise ConfigurationError(msg) from None


def flag_problems(adapter: Adapter) -> list[str]:
    """
    Why the command line could not make ``adapter``'s flags (`Option.flag`), one line each: a
    flag of cartnorm's own (``--jobs``, ``--strict`` …), one that is not a long flag, or one
    another available adapter declares for another option. Empty when it can.
    """
    problems = []
    normalize = argparse.ArgumentParser(add_help=True)
    _normalize_arguments(normalize, "")
    others = {
        option.flag: (other.name, option.name)
        for other in available_adapters().values()
        if other.name != adapter.name
        for option in other.options
        if option.flag is not None
    }
    for option in adapter.options:
        flag = option.flag
        if flag is None:
            continue
        owner = others.get(flag) if isinstance(flag, str) else None
        if owner is not None and owner[1] != option.name:
            problems.append(f"option {option.name!r}: its flag {flag} is the {owner[0]} adapter's {owner[1]!r}")
            continue
        try:
            _add_flag(normalize, flag, option, [adapter.name])
        except ConfigurationError as error:
            problems.append(str(error))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see ``cartnorm --help``)."""
    try:
        parser = _parser()
    except ConfigurationError as error:  # a plugin that cannot be loaded, or whose flags clash
        sys.stderr.write(f"cartnorm: error: {error}\n")
        return EXIT_USAGE
    args = parser.parse_args(argv)
    handling = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if handling else None
    try:
        return int(args.run(args))
    except (_UsageError, ConfigurationError, MissingDependencyError) as error:
        sys.stderr.write(f"cartnorm: error: {error}\n")
        return EXIT_USAGE
    except OSError as error:  # printing to standard output (validate, conformance, docs)
        _silence_stdout()
        reason = "the reader closed the pipe" if isinstance(error, BrokenPipeError) else error.strerror or str(error)
        sys.stderr.write(f"cartnorm: error: cannot write standard output: {reason}\n")
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        sys.stderr.write("cartnorm: interrupted (SIGINT)\n")
        return EXIT_SIGINT
    except _Terminated:
        sys.stderr.write("cartnorm: terminated (SIGTERM)\n")
        return EXIT_SIGTERM
    finally:
        if handling:
            signal.signal(signal.SIGTERM, previous)
