"""A file's bytes → its rows of cells, for CSV and XLSX, within the size and row limits."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import IO

from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cases.referrals.spreadsheet.cells import Cell
from cases.referrals.spreadsheet.results import RowError

MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024
# A worksheet may carry thousands of formatted but empty rows or columns; past these
# bounds the file is not a referral list.
MAX_SCANNED_ROWS = 20 * MAX_ROWS
MAX_COLUMNS = 100

Upload = File[bytes] | IO[bytes] | bytes
# Each row's number as the spreadsheet shows it (the header is row 1), and its cells.
Rows = list[tuple[int, list[Cell]]]


def read_rows(upload: Upload, *, filename: str) -> tuple[Rows, RowError | None]:
    """The file's non-empty rows (the header always kept), or the reason it cannot be read."""
    data = _read_limited(upload)
    if data is None:
        return [], RowError(
            None,
            "",
            _("Le fichier dépasse %(size)s Mo.") % {"size": MAX_BYTES // (1024 * 1024)},
        )
    if data.startswith(b"PK\x03\x04"):
        rows, problem = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith((".xlsx", ".xls")):
        rows, problem = [], _not_a_spreadsheet()
    else:
        rows, problem = _read_csv(data)
    if problem is None and not rows:
        problem = RowError(None, "", _("Le fichier est vide."))
    return rows, problem


def is_blank(cells: Iterable[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _not_a_spreadsheet() -> RowError:
    return RowError(
        None,
        "",
        _(
            "Ce fichier n'est ni un CSV en UTF-8 ni un classeur XLSX. Dans Excel, enregistrez-le "
            "au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 »."
        ),
    )


def _read_limited(upload: Upload) -> bytes | None:
    """The file's content, or None when it is larger than MAX_BYTES."""
    if isinstance(upload, bytes):
        data = upload
    elif isinstance(upload, File):
        if upload.size is not None and upload.size > MAX_BYTES:
            return None
        parts, total = [], 0
        for chunk in upload.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total > MAX_BYTES:
                return None
        data = b"".join(parts)
    else:
        data = upload.read(MAX_BYTES + 1)
    return None if len(data) > MAX_BYTES else data


def _too_many_rows() -> RowError:
    return RowError(
        None,
        "",
        _(
            "Le fichier compte plus de %(max)s lignes de personnes : découpez-le en plusieurs "
            "fichiers de %(max)s lignes au plus."
        )
        % {"max": MAX_ROWS},
    )


_CELL_TYPES = (str, int, float, bool, date, datetime, time, timedelta)


def _numbered(rows: Iterable[Sequence[object]]) -> Iterator[tuple[int, list[Cell]]]:
    """Rows numbered from 1; values of other kinds (formulas, rich text) as their text."""
    for number, cells in enumerate(rows, start=1):
        yield (
            number,
            [
                cell if cell is None or isinstance(cell, _CELL_TYPES) else str(cell)
                for cell in cells
            ],
        )


def _collect(numbered: Iterable[tuple[int, list[Cell]]]) -> tuple[Rows, RowError | None]:
    """Non-empty rows, up to the limit; the header row is always kept."""
    rows: Rows = []
    for number, cells in numbered:
        if number > MAX_SCANNED_ROWS:
            return rows, _too_many_rows()
        if number > 1 and is_blank(cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            return rows, _too_many_rows()
    return rows, None


def _read_csv(data: bytes) -> tuple[Rows, RowError | None]:
    if b"\x00" in data:
        return [], _not_a_spreadsheet()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _not_a_spreadsheet()
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect(_numbered(reader))
    except csv.Error:
        return [], _not_a_spreadsheet()


def _read_xlsx(data: bytes) -> tuple[Rows, RowError | None]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl and zipfile raise many kinds for a damaged file
        return [], _not_a_spreadsheet()
    try:
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            return [], RowError(None, "", _("La première feuille du classeur est vide."))
        values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _collect(_numbered(values))
    except Exception:
        return [], _not_a_spreadsheet()
    finally:
        workbook.close()
