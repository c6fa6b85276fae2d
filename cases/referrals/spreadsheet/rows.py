"""One row of people: its cells by column name, and the faults found in them."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from avrr.texts import bidi_controls_message, has_bidi_controls, refuses_bidi_controls
from cases.referrals.spreadsheet.cells import Cell, CellError, cell_date, cell_text
from cases.referrals.spreadsheet.columns import BY_NAME
from cases.referrals.spreadsheet.results import RowError

_T = TypeVar("_T")

# The columns found in the header: each one's index, and its header as the file writes it.
Columns = dict[str, tuple[int, str]]


class Row:
    """One row of people, with the columns found in the header.

    Each fault is added to `errors` (the file's) and counted in `faults` (the row's).
    """

    def __init__(
        self,
        number: int,
        cells: list[Cell],
        columns: Columns,
        errors: list[RowError],
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.errors = errors
        self.faults = 0

    def header(self, name: str) -> str:
        """The column's header as written in the file (its English name when absent)."""
        return self.columns[name][1] if name in self.columns else name

    def cell(self, name: str) -> Cell:
        if name not in self.columns:
            return None
        index = self.columns[name][0]
        return self.cells[index] if index < len(self.cells) else None

    def text(self, name: str) -> str:
        return cell_text(self.cell(name))

    def error(self, name: str, message: str) -> None:
        self.faults += 1
        self.errors.append(RowError(self.number, self.header(name), message))

    def checked(self, name: str, read: Callable[[Cell], _T]) -> _T | None:
        """`read` applied to the cell; None, with the fault noted, when it refuses it."""
        try:
            return read(self.cell(name))
        except CellError as problem:
            self.error(name, str(problem))
            return None

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.error(name, _("Cette case est obligatoire."))
        else:
            self._check_text(name, value)
        return value

    def optional_text(self, name: str) -> str:
        value = self.text(name)
        self._check_text(name, value)
        return value

    def _check_text(self, name: str, value: str) -> None:
        column = BY_NAME[name]
        refuses = column.model is not None and refuses_bidi_controls(column.model, name)
        if refuses and has_bidi_controls(value):
            self.error(name, bidi_controls_message())
        elif column.max_length and len(value) > column.max_length:
            self.error(
                name,
                _("Texte trop long : %(max)s caractères au plus.") % {"max": column.max_length},
            )

    def past_date(self, name: str, *, required: bool) -> date | None:
        value = self.checked(name, cell_date)
        if value is None:
            if required and not self.text(name):
                self.error(name, _("Cette case est obligatoire."))
            return None
        if value > timezone.localdate():
            self.error(name, _("La date est dans le futur."))
            return None
        return value
