"""The workbook partner NGOs download and fill: the columns, two example rows, a help sheet."""

import io
from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from avrr.exports import xlsx_append
from avrr.spreadsheets import SpreadsheetLimits
from cases.models import Relationship, VulnerabilityCode
from cases.referrals.models import Urgency
from cases.referrals.spreadsheet.cells import Cell
from cases.referrals.spreadsheet.columns import COLUMNS
from cases.referrals.spreadsheet.reading import MAX_ROWS

_EXAMPLE_CONSENT = date(2025, 1, 10)


def example_rows() -> list[dict[str, Cell]]:
    """The template's example: a mother and her child, one household, by column name."""
    return [
        {
            "household": "F1",
            "family_name": "Konaté",
            "given_name": "Aminata",
            "sex": "F",
            "date_of_birth": date(1996, 2, 11),
            "nationality": "CI",
            "relationship": "principal",
            "languages": "français, dioula",
            "vulnerabilities": "single_parent",
            "urgency": "high",
            "reason": "Souhaite rentrer auprès de sa famille à Abidjan.",
            "contact_phone": "+212 600 00 00 00",
            "office": "RBA",
            "consent_given_on": _EXAMPLE_CONSENT,
            "consent_taken_by": "Fatou Diallo",
        },
        {
            "household": "F1",
            "family_name": "Konaté",
            "given_name": "Moussa",
            "sex": "M",
            "age": 4,
            "nationality": "Côte d'Ivoire",
            "relationship": "child",
            "languages": "dioula",
        },
    ]


def _help_rows() -> Iterator[list[str]]:
    yield [_("Colonne"), _("En français"), _("Obligatoire"), _("Explication")]
    for column in COLUMNS:
        if column.required:
            required = _("Oui")
        elif column.name in ("date_of_birth", "age"):
            required = _("La date de naissance ou l'âge")
        elif column.name == "relationship":
            required = _("Sauf sur la première ligne d'un foyer")
        else:
            required = _("Non")
        explanation = str(column.help)
        if column.per_household:
            explanation += " " + _("Une valeur par foyer : celle de sa première ligne.")
        yield [column.name, column.french, required, explanation]
    yield []
    yield [
        _("Généralités"),
        "",
        "",
        _(
            "Une ligne par personne. Les en-têtes peuvent être écrits en anglais ou en français. "
            "Dates : AAAA-MM-JJ ou JJ/MM/AAAA. %(max)s lignes et %(size)s Mo au plus par fichier."
        )
        % {"max": MAX_ROWS, "size": SpreadsheetLimits.from_settings().max_bytes // (1024 * 1024)},
    ]
    yield []
    yield [_("Codes de vulnérabilité (vulnerabilities)"), "", "", _("Signification")]
    for code, label in VulnerabilityCode.choices:
        yield [code, "", "", str(label)]
    yield []
    yield [_("Liens (relationship)"), _("En français"), "", _("Signification")]
    french = {
        Relationship.PRINCIPAL: "principal",
        Relationship.SPOUSE: "conjoint",
        Relationship.CHILD: "enfant",
        Relationship.PARENT: "parent",
        Relationship.SIBLING: "frere_soeur",
        Relationship.OTHER: "autre",
    }
    for value, label in Relationship.choices:
        yield [value, french[Relationship(value)], "", str(label)]
    yield []
    yield [_("Urgence (urgency)"), _("En français"), "", _("Signification")]
    for number, english, french_word in (
        (Urgency.NORMAL, "normal", "normale"),
        (Urgency.HIGH, "high", "haute"),
        (Urgency.URGENT, "urgent", "urgente"),
    ):
        yield [f"{number.value} / {english}", french_word, "", str(number.label)]


def referral_template_xlsx() -> bytes:
    """The workbook to fill: headers and two example rows, and an "Aide" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # noqa: S101 -- a new workbook has one worksheet
    _fill_referrals_sheet(sheet)
    _fill_help_sheet(workbook.create_sheet("Aide"))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fill_referrals_sheet(sheet: Worksheet) -> None:
    sheet.title = "Referrals"
    xlsx_append(sheet, [column.name for column in COLUMNS])
    for example in example_rows():
        xlsx_append(sheet, [example.get(column.name) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        if column.name in ("date_of_birth", "consent_given_on"):
            for row in range(2, 4):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


def _fill_help_sheet(help_sheet: Worksheet) -> None:
    for line in _help_rows():
        xlsx_append(help_sheet, line)
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 34), ("B", 28), ("C", 24), ("D", 90)):
        help_sheet.column_dimensions[letter].width = width
    for row_cells in help_sheet.iter_rows():
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
