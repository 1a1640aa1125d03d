"""Exports without a row cap: CSV comes out in pieces as rows arrive; XLSX continues on a new sheet at the limit."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime

from dispute_hub.stats.exports import cell, csv_stream, write_xlsx


def _rows(n: int):
    for i in range(n):
        yield [f"NTIP-2025-{i:06d}", "外观设计专利纠纷", i, datetime(2025, 3, 1, 16, 30, tzinfo=UTC)]


def test_cells_are_shanghai_time_and_iso_dates():
    assert cell(datetime(2025, 3, 31, 16, 30, tzinfo=UTC)) == "2025-04-01 00:30"
    assert (cell(date(2025, 3, 1)), cell(True), cell(None)) == ("2025-03-01", 1, None)


def test_csv_is_streamed_in_pieces_and_holds_every_row():
    consumed = []

    def rows():
        for row in _rows(2000):
            consumed.append(row)
            yield row

    stream = csv_stream(["no", "title", "n", "at"], rows())
    first = next(stream)
    assert first.startswith("\ufeffno,title,n,at") and len(consumed) <= 501  # written before all rows are read
    text = first + "".join(stream)
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) == 2001 and table[-1] == ["NTIP-2025-001999", "外观设计专利纠纷", "1999", "2025-03-02 00:30"]


def test_xlsx_continues_on_new_sheets_past_the_row_limit():
    handle = write_xlsx(["no", "title", "n", "at"], _rows(25), sheet="closed", max_rows=10)
    with handle, zipfile.ZipFile(handle) as book:
        sheets = sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
        rows = [book.read(n).decode().count("<row ") for n in sheets]
        names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    assert rows == [10, 10, 8]  # a header on each sheet and 9 + 9 + 7 rows
    assert names == ["closed", "closed (2)", "closed (3)"]


def test_an_empty_list_is_a_sheet_with_its_header():
    with write_xlsx(["no"], iter(())) as handle, zipfile.ZipFile(handle) as book:
        assert book.read("xl/worksheets/sheet1.xml").decode().count("<row ") == 1


def test_a_big_list_streams_in_constant_memory():
    """200,000 rows through both writers; the CSV never holds more than one piece."""
    pieces = max(len(piece) for piece in csv_stream(["no", "title", "n", "at"], _rows(200_000)))
    assert pieces < 100_000
    handle = write_xlsx(["no", "title", "n", "at"], _rows(200_000))
    with handle, zipfile.ZipFile(handle) as book:
        assert book.read("xl/worksheets/sheet1.xml").count(b"<row ") == 200_001
