"""A file's bytes → its rows of cells, for CSV and XLSX, within the shared spreadsheet
limits (avrr/spreadsheets.py) and the referral file's own limit of rows of people."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from avrr.spreadsheets import SpreadsheetRefused, Upload, spreadsheet_rows
from cases.referrals.spreadsheet.cells import Cell
from cases.referrals.spreadsheet.results import RowError

MAX_ROWS = 500

# Each row's number as the spreadsheet shows it (the header is row 1), and its cells.
Rows = list[tuple[int, list[Cell]]]


def read_rows(upload: Upload, *, filename: str) -> tuple[Rows, RowError | None]:
    """The file's non-empty rows (the header always kept), or the reason it cannot be read."""
    try:
        with spreadsheet_rows(upload, filename=filename) as rows:
            collected, problem = _collect(rows)
    except SpreadsheetRefused as refused:
        return [], RowError(None, "", refused.message)
    if problem is None and not collected:
        problem = RowError(None, "", _("Le fichier est vide."))
    return collected, problem


def is_blank(cells: Iterable[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


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


def _collect(numbered: Iterable[list[Cell]]) -> tuple[Rows, RowError | None]:
    """Non-empty rows, up to the limit; the header row is always kept."""
    rows: Rows = []
    for number, cells in enumerate(numbered, start=1):
        if number > 1 and is_blank(cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            return rows, _too_many_rows()
    return rows, None
