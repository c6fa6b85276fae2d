"""Every spreadsheet the product writes (XLSX or CSV) goes through here, so that no text
typed into it (a name, a note) runs as a formula in the spreadsheet program that opens it.

A text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is what Excel and
LibreOffice take for a formula (`=HYPERLINK(...)` sends the data away when clicked). In a
workbook such a text is written as a text cell, which is never evaluated, unchanged; in a
CSV, which has no cell types, it gets a leading `'`, as OWASP recommends for CSV injection.
"""

import csv
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def xlsx_append(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[object]) -> None:
    """`sheet.append(values)`, with every formula-like text written as a text cell."""
    row: list[Any] = []
    for value in values:
        if is_formula_like(value):
            # Row and column are placeholders: `append` sets them.
            cell = Cell(sheet, row=1, column=1, value=value)  # type: ignore[arg-type]
            # openpyxl takes a text starting with "=" for a formula: it is text.
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    sheet.append(row)


def csv_cell(value: object) -> object:
    """The value as a CSV export writes it: a formula-like text after a `'`."""
    return f"'{value}" if is_formula_like(value) else value


class CsvExport:
    """A `csv.writer` on `stream` whose rows are written through `csv_cell`."""

    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(value) for value in values])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for values in rows:
            self.writerow(values)
