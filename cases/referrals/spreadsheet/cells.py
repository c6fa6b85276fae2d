"""A cell's value as the file gives it, and how it reads as text, a date or an age."""

import re
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from avrr.spreadsheets import Cell as Cell
from cases.models import MAX_AGE


class CellError(Exception):
    """A cell's value is wrong; the message says why."""


def cell_text(cell: Cell) -> str:
    """The cell as trimmed text: a date as YYYY-MM-DD, a whole number without its `.0`."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        if cell.time() == time():
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def cell_date(cell: Cell) -> date | None:
    """A date cell, or text written YYYY-MM-DD or DD/MM/YYYY; None when empty."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = cell_text(cell)
    if not text:
        return None
    if isinstance(cell, str):
        for pattern in (
            r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})",
            r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})",
        ):
            if found := re.fullmatch(pattern, text):
                try:
                    return date(*(int(found[part]) for part in ("year", "month", "day")))
                except ValueError:
                    break
    raise CellError(
        _("Date non reconnue : « %(value)s ». Écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA.")
        % {"value": text}
    )


def cell_age(cell: Cell) -> int | None:
    """Whole years, 0 to MAX_AGE; None when empty."""
    text = cell_text(cell)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,3}", text) or int(text) > MAX_AGE:
        raise CellError(
            _(
                "Âge non reconnu : « %(value)s ». Indiquez un nombre entier d'années, "
                "de 0 à %(max)s."
            )
            % {"value": text, "max": MAX_AGE}
        )
    return int(text)
