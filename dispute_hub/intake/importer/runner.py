"""The import loop: stream lines, check each, write good ones in batches, one transaction per batch.

This is the transaction boundary of the ``import-cases`` command (and of the benchmark): it commits
after each batch, and a batch that fails is rolled back and retried one case per transaction, so a
failure never leaves half a case behind and never stops the cases around it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from ...extensions import db
from ...models import Dispute, Organization, utcnow
from ..services import district_lookup
from ..validators._common import fail
from .lines import BadLine, ImportCase, Lookups, OrgRef, describe, parse_line
from .writer import write_cases

DEFAULT_BATCH_SIZE = 500


@dataclass
class ImportReport:
    """Counts of one run; ``already_imported`` includes ``repeated_in_file``."""

    lines: int = 0
    imported: int = 0
    already_imported: int = 0
    repeated_in_file: int = 0
    bad_lines: int = 0
    notes: int = 0
    dry_run: bool = False


def load_lookups() -> Lookups:
    """Districts and organisations (inactive ones too: history names them), each by code and Chinese name."""
    organizations: dict[str, OrgRef] = {}
    for org in db.session.execute(select(Organization)).scalars():
        ref = OrgRef(org.id, tuple(org.channels or ()))
        organizations[org.code] = organizations[org.name_zh] = ref
    return Lookups(district_lookup(), organizations)


class _Run:
    def __init__(self, batch_size: int, dry_run: bool, emit: Callable[[str], None], now: datetime) -> None:
        self.batch_size, self.dry_run, self.emit, self.now = batch_size, dry_run, emit, now
        self.report = ImportReport(dry_run=dry_run)
        self.lookups = load_lookups()
        self.seen: set[str] = set()
        self.batch: list[ImportCase] = []

    def take(self, raw: bytes | str, line_no: int) -> None:
        self.report.lines = line_no
        try:
            outcome = parse_line(raw, line_no, self.lookups, self.now)
        except Exception as exc:  # a value no check foresaw must not end a long import: report the line
            error = _summary_of(exc)
            outcome = BadLine(line_no, None, (fail("line", "unreadable", f"无法处理该行：{error}",
                                                   f"The line could not be processed: {error}"),))
        if outcome is None:
            return
        if isinstance(outcome, BadLine):
            self.bad(outcome)
        elif outcome.external_id in self.seen:
            self.report.already_imported += 1
            self.report.repeated_in_file += 1
        else:
            self.seen.add(outcome.external_id)
            self.batch.append(outcome)
            if len(self.batch) >= self.batch_size:
                self.flush()

    def bad(self, line: BadLine) -> None:
        self.report.bad_lines += 1
        for message in line.messages():
            self.emit(message)

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        fresh = self.not_imported(batch)
        if fresh and not self.dry_run:
            self.write(fresh)
        elif fresh:
            self.done(fresh)

    def not_imported(self, batch: Sequence[ImportCase]) -> list[ImportCase]:
        if not batch:
            return []
        ids = [case.external_id for case in batch]
        found = set(db.session.execute(select(Dispute.external_id).where(Dispute.external_id.in_(ids))).scalars())
        db.session.rollback()  # end the read transaction: no snapshot or lock is held between batches
        self.report.already_imported += len(found)
        return [case for case in batch if case.external_id not in found]

    def done(self, cases: Sequence[ImportCase]) -> None:
        self.report.imported += len(cases)
        for case in cases:
            for note in case.notes:
                self.report.notes += 1
                self.emit("note: " + describe(case.line_no, case.external_id, note))

    def write(self, cases: Sequence[ImportCase]) -> None:
        try:
            write_cases(cases)
            db.session.commit()
        except (OperationalError, InterfaceError):
            db.session.rollback()
            raise  # the database is gone or broken: retrying case by case would only repeat it
        except Exception as exc:
            db.session.rollback()
            db.session.expunge_all()
            if len(cases) == 1:
                self.failed(cases[0], exc)
            else:
                for case in cases:
                    self.write([case])
            return
        db.session.expunge_all()  # keep memory flat over a long file
        self.done(cases)

    def failed(self, case: ImportCase, exc: Exception) -> None:
        """One case could not be written: imported meanwhile by someone else, or a bad line after all."""
        if self.not_imported([case]):
            error = _summary_of(exc)
            self.bad(BadLine(case.line_no, case.external_id, (fail(
                "database", "write_failed", f"写入失败：{error}", f"could not be written: {error}"),)))


def _summary_of(exc: BaseException) -> str:
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0] if text else ''}"[:300]


def run_import(lines: Iterable[bytes | str], *, batch_size: int = DEFAULT_BATCH_SIZE, dry_run: bool = False,
               emit: Callable[[str], None] = print, now: datetime | None = None) -> ImportReport:
    """Import historical cases, one JSON object per line; commits per batch.

    :param lines: the file's lines (bytes or text), streamed; blank lines are skipped
    :param batch_size: cases per transaction
    :param dry_run: check every line and look up ``external_id``, write nothing
    :param emit: receives one message per problem, ``line N (external_id X): field: message``
    :param now: the import's clock (aware UTC); defaults to now
    :return: the counts
    """
    run = _Run(batch_size, dry_run, emit, now or utcnow())
    for line_no, raw in enumerate(lines, start=1):
        run.take(raw, line_no)
    run.flush()
    return run.report
