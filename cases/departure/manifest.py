"""A movement's manifest for the police and the airline, as PDF (WeasyPrint) and XLSX
(openpyxl through `avrr.exports`, so that no name runs as a formula). Made on demand from
`selectors.movements.manifest_rows`; a no-show stays on it, struck through."""

from datetime import date
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from weasyprint import HTML

from avrr.exports import xlsx_append
from cases.departure.models import Movement
from cases.departure.selectors.movements import ManifestRow, leg_times


def _headers() -> list[str]:
    return [
        _("Nom"),
        _("Sexe"),
        _("Date de naissance"),
        _("Nationalité"),
        _("Document de voyage"),
        _("Numéro du document"),
        _("Expire le"),
        _("Numéro de billet"),
        _("Besoins particuliers"),
        _("Escorte"),
        _("Non présenté"),
    ]


def _short(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def manifest_xlsx(movement: Movement, rows: list[ManifestRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = movement.reference
    xlsx_append(sheet, [_("Manifeste"), movement.reference])
    xlsx_append(sheet, [])
    xlsx_append(sheet, _headers())
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    struck = Font(strike=True)
    for row in rows:
        xlsx_append(
            sheet,
            [
                row.name,
                row.sex,
                row.birth_date,
                row.nationality,
                row.document_kind,
                row.document_number,
                row.document_expiry,
                row.ticket_number,
                ", ".join(row.special_needs),
                row.escort,
                _("Non présenté") if row.no_show else "",
            ],
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            if row.no_show:
                cell.font = struck
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def manifest_pdf(movement: Movement, rows: list[ManifestRow]) -> bytes:
    html = render_to_string(
        "departure/movements/manifest_pdf.html",
        {
            "movement": movement,
            "legs": leg_times(list(movement.legs.all())),
            "headers": _headers(),
            "rows": [
                (
                    row,
                    _short(row.birth_date),
                    _short(row.document_expiry),
                )
                for row in rows
            ],
            "printed_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf() or b""
