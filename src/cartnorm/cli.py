"""
The ``cartnorm`` command line: normalize, denormalize, validate, conformance, docs.

Every command reads JSON objects, JSON arrays or JSON Lines from files or standard input
(``-``), streams them with bounded memory, and reports a user's bad input as one line
naming the file, the record and the JSON path: never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from . import __version__
from ._datetime import parse_rfc3339
from ._json import DOCUMENT_LIMITS, JSON_LIMITS, encode_json
from ._parallel import default_jobs, ordered_map
from ._stream import RawRecord, parse_pending, read_records
from .adapter import Adapter, Option
from .codec import dumps, from_trackstar
from .conformance import discover_cases, run_case
from .docgen import regenerate
from .errors import CartnormError, ConfigurationError, MissingDependencyError, PayloadError
from .etl import Accepted, Rejection, process_record
from .limits import Limits
from .registry import available_adapters, get_adapter
from .schema import validate_trackstar

__all__ = ["main"]

EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2
_SHOWN_REJECTIONS = 20


class _UsageError(Exception):
    """A problem with the command line or the files named on it (exit status 2)."""


def _open_inputs(names: Sequence[str]) -> Iterator[tuple[str, IO[str]]]:
    for name in names or ["-"]:
        if name == "-":
            yield "<stdin>", sys.stdin
            continue
        try:
            handle = open(name, encoding="utf-8")  # noqa: SIM115 - closed right after streaming
        except OSError as error:
            raise _UsageError(f"cannot read {name}: {error.strerror}") from None
        with handle:
            yield name, handle


def _records(names: Sequence[str], *, defer_parsing: bool = False, limits: Limits = JSON_LIMITS) -> Iterator[RawRecord]:
    for source, handle in _open_inputs(names):
        yield from read_records(handle, source, defer_parsing=defer_parsing, limits=limits)


@contextlib.contextmanager
def _output(name: str | None) -> Iterator[IO[str]]:
    if name is None or name == "-":
        yield sys.stdout
        return
    try:
        handle = open(name, "w", encoding="utf-8")  # noqa: SIM115 - a context manager of its own
    except OSError as error:
        raise _UsageError(f"cannot write {name}: {error.strerror}") from None
    with handle:
        yield handle


class _Progress:
    """A one-line counter on a terminal; silent when stderr is not one."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.shown = 0.0

    def tick(self, count: int) -> None:
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.2:
            rate = count / max(now - self.started, 1e-9)
            sys.stderr.write(f"\rcartnorm: {count:,} records ({rate:,.0f}/s)")
            sys.stderr.flush()
            self.shown = now

    def done(self) -> float:
        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")
        return time.monotonic() - self.started


class _Rejects:
    """Writes rejections to a JSON Lines file and reports the first few on stderr."""

    def __init__(self, handle: IO[str] | None) -> None:
        self.handle = handle
        self.count = 0

    def add(self, raw: RawRecord, rejection: Rejection) -> None:
        self.add_lines(*_rejection_lines(raw, rejection))

    def add_lines(self, line: str, message: str) -> None:
        """Count one rejection: show ``message`` (the first few), write ``line`` to the file."""
        self.count += 1
        if self.count <= _SHOWN_REJECTIONS:
            sys.stderr.write(message + "\n")
        elif self.count == _SHOWN_REJECTIONS + 1:
            sys.stderr.write("cartnorm: more rejections follow; see the rejects file or the summary\n")
        if self.handle is not None:
            self.handle.write(line + "\n")


def _rejection_lines(raw: RawRecord, rejection: Rejection) -> tuple[str, str]:
    """The rejects-file line and the one-line stderr message for one rejection."""
    where = f"{raw.source}:{raw.line} (record {rejection.position + 1})"
    line = {"file": raw.source, "line": raw.line, **rejection.to_json()}
    if raw.error is not None:
        line["record"] = raw.text
    return encode_json(line), f"cartnorm: {where}: {rejection.error}: {rejection.message}"


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


def _summary(command: str, total: int, good: int, rejects: _Rejects, seconds: float, rejects_file: str | None) -> None:
    where = f" (written to {rejects_file})" if rejects.count and rejects_file else ""
    counts = f"{total:,} records → {good:,} orders, {rejects.count:,} rejected{where}"
    sys.stderr.write(f"cartnorm {command}: {counts} in {seconds:.2f} s\n")


# Worker-process state for `normalize`, set once per process by `_init_normalize`.
_NORMALIZE: dict[str, Any] = {}


def _init_normalize(source: str | None, observed_at: datetime, options: dict[str, Any]) -> None:
    _NORMALIZE.update(adapter=get_adapter(source) if source else None, observed_at=observed_at, options=options)


def _normalize_batch(batch: list[tuple[int, RawRecord]]) -> list[tuple[bool, str, str]]:
    """Convert a batch; per record: (ok, output line or rejects-file line, stderr line)."""
    results = []
    for position, pending in batch:
        raw = parse_pending(pending)
        outcome = _parse_failure(position, raw) or process_record(
            position, raw.value, _NORMALIZE["adapter"], _NORMALIZE["observed_at"], _NORMALIZE["options"]
        )
        if isinstance(outcome, Accepted):
            results.append((True, dumps(outcome.order), ""))
        else:
            results.append((False, *_rejection_lines(raw, outcome)))
    return results


def _cmd_normalize(args: argparse.Namespace) -> int:
    if args.source:
        get_adapter(args.source)  # fail fast, before reading anything
    options = _adapter_options(args)
    observed_at = _observed_at(args) or datetime.now(timezone.utc)  # one stamp for the whole run
    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        raise _UsageError(f"--jobs must be at least 1, got {jobs}")
    progress, total, good = _Progress(args.progress), 0, 0
    records = enumerate(_records(args.files, defer_parsing=jobs > 1))
    with _output(args.output) as out, _output_or_none(args.rejects) as rejects_handle:
        rejects = _Rejects(rejects_handle)
        results = ordered_map(
            _normalize_batch,
            records,
            jobs=jobs,
            initializer=_init_normalize,
            initargs=(args.source, observed_at, options),
        )
        for ok, line, message in results:
            total += 1
            if ok:
                out.write(line + "\n")
                good += 1
            else:
                rejects.add_lines(line, message)
            progress.tick(total)
    _summary("normalize", total, good, rejects, progress.done(), args.rejects)
    return EXIT_REJECTS if rejects.count and not args.allow_rejects else EXIT_OK


def _cmd_denormalize(args: argparse.Namespace) -> int:
    adapter = get_adapter(args.target)
    progress, total, good = _Progress(args.progress), 0, 0
    with _output(args.output) as out, _output_or_none(args.rejects) as rejects_handle:
        rejects = _Rejects(rejects_handle)
        for position, raw in enumerate(_records(args.files, limits=DOCUMENT_LIMITS)):  # canonical documents
            failure = _parse_failure(position, raw)
            if failure is None:
                try:
                    out.write(encode_json(adapter.from_canonical(from_trackstar(raw.value))) + "\n")
                    good += 1
                except CartnormError as error:
                    failure = Rejection.from_error(position, raw.value, error)
            if failure is not None:
                rejects.add(raw, failure)
            total += 1
            progress.tick(total)
    _summary("denormalize", total, good, rejects, progress.done(), args.rejects)
    return EXIT_REJECTS if rejects.count and not args.allow_rejects else EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    total = invalid = 0
    for position, raw in enumerate(_records(args.files)):
        total += 1
        where = f"{raw.source}:{raw.line} (record {position + 1})"
        if raw.error is not None:
            invalid += 1
            sys.stderr.write(f"cartnorm: {where}: {raw.error.problem}\n")
            continue
        violations = validate_trackstar(raw.value)
        if violations:
            invalid += 1
            for violation in violations:
                sys.stdout.write(f"{where}: {violation}\n")
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


@contextlib.contextmanager
def _output_or_none(name: str | None) -> Iterator[IO[str] | None]:
    if name is None:
        yield None
        return
    with _output(name) as handle:
        yield handle


def _parse_failure(position: int, raw: RawRecord) -> Rejection | None:
    if raw.error is None:
        return None
    return Rejection.from_error(position, raw.text, raw.error)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cartnorm",
        description="Vendor order payloads to Trackstar cart orders, and back.",
    )
    parser.add_argument("--version", action="version", version=f"cartnorm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = ", ".join(available_adapters())

    def inputs(command: argparse.ArgumentParser) -> None:
        command.add_argument("files", nargs="*", metavar="FILE", help="JSON, JSON array or JSON Lines; - for stdin")

    def streaming(command: argparse.ArgumentParser) -> None:
        command.add_argument("-o", "--output", metavar="OUT", help="where to write JSON Lines (default: stdout)")
        command.add_argument("--rejects", metavar="REJECTS.jsonl", help="write rejected records here, with reasons")
        command.add_argument("--allow-rejects", action="store_true", help="exit 0 even when records were rejected")
        command.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="progress on stderr (default: on a tty)",
        )

    normalize = commands.add_parser("normalize", help="vendor payloads → Trackstar JSON Lines")
    inputs(normalize)
    normalize.add_argument("--source", metavar="NAME", help=f"the vendor ({names}); default: detect per record")
    normalize.add_argument(
        "--observed-at", metavar="DATETIME", help="RFC 3339 time for trackstar_*_date (default: now)"
    )
    normalize.add_argument(
        "--jobs", type=int, metavar="N", help="worker processes (default: all cores; 1 runs in this process)"
    )
    streaming(normalize)
    _adapter_flags(normalize)
    normalize.set_defaults(run=_cmd_normalize)

    denormalize = commands.add_parser("denormalize", help="Trackstar JSON → vendor payloads (JSON Lines)")
    inputs(denormalize)
    denormalize.add_argument("--target", required=True, metavar="NAME", help=f"the vendor ({names})")
    streaming(denormalize)
    denormalize.set_defaults(run=_cmd_denormalize)

    validate = commands.add_parser("validate", help="check Trackstar JSON against Trackstar's schema")
    inputs(validate)
    validate.set_defaults(run=_cmd_validate)

    conformance = commands.add_parser("conformance", help="run <case>.payload.json → .expected.json fixture pairs")
    conformance.add_argument("directory", metavar="DIR")
    conformance.add_argument("--source", metavar="NAME", help="the vendor for every case (default: per directory)")
    conformance.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    conformance.set_defaults(run=_cmd_conformance)

    docs = commands.add_parser("docs", help="regenerate the generated tables in docs/")
    docs.add_argument("--root", default=".", help="the project root (default: .)")
    docs.add_argument("--check", action="store_true", help="only report drift; exit 1 when docs are stale")
    docs.set_defaults(run=_cmd_docs)
    return parser


def _adapter_flags(command: argparse.ArgumentParser) -> None:
    """One flag per option the adapters declare, grouped by adapter; each applies to its adapters' records."""
    groups: dict[str, Any] = {}
    for flag, declared in _declared_flags().items():
        option = declared[0][1]
        names = ", ".join(owner.name for owner, _ in declared)
        group = groups.get(names)
        if group is None:
            group = groups[names] = command.add_argument_group(f"{names} options (applied to {names} records only)")
        group.add_argument(
            flag,
            dest=_flag_dest(flag),
            action="append" if option.repeat else "store",
            metavar=option.metavar,
            help=f"{option.help} ({option.type}{'; repeatable' if option.repeat else ''})",
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 rejects or failures, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (_UsageError, ConfigurationError, MissingDependencyError) as error:
        sys.stderr.write(f"cartnorm: error: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("cartnorm: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
