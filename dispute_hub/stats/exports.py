"""CSV and XLSX of breakdowns and drill-down lists, with no row cap (pure: no Flask).

Rows are consumed from an iterator (the caller streams them from the database with ``yield_per``), so the
memory used does not grow with the list. CSV is written out as it goes; XLSX, a zip that is only complete
when closed, is written by XlsxWriter in constant-memory mode to a temporary file that is then streamed.
A sheet holds at most 1,048,576 rows, so a longer list continues on further sheets.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO

from .periods import SHANGHAI

XLSX_MAX_ROWS = 1_048_576
CHUNK = 64 * 1024
CSV_FLUSH_ROWS = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def cell(value: object) -> object:
    """A value as a spreadsheet shows it: instants in Shanghai time, dates as ISO, booleans as 1/0."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text in pieces, starting with a byte-order mark so that spreadsheet programs read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if n % CSV_FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "data",
               max_rows: int = XLSX_MAX_ROWS) -> IO[bytes]:
    """The workbook in an open, already unlinked temporary file positioned at its start.

    :param max_rows: rows per sheet including the header (the format's limit; smaller in tests)
    """
    import xlsxwriter

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
        bold = book.add_format({"bold": True})
        worksheet, r, sheets = None, max_rows, 0
        for row in rows:
            if r >= max_rows:
                sheets += 1
                worksheet = book.add_worksheet(sheet if sheets == 1 else f"{sheet} ({sheets})")
                worksheet.write_row(0, 0, list(header), bold)
                worksheet.freeze_panes(1, 0)
                r = 1
            worksheet.write_row(r, 0, [cell(v) for v in row])
            r += 1
        if worksheet is None:
            book.add_worksheet(sheet).write_row(0, 0, list(header), bold)
        book.close()
        out = open(path, "rb")  # noqa: SIM115  handed to the caller, who streams and closes it
    finally:
        os.unlink(path)
    return out


def file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in chunks; closes it at the end (or when the client goes away)."""
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()
