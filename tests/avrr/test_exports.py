"""Exports never let a typed text run as a formula in the spreadsheet program that opens it."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from avrr.exports import CsvExport, xlsx_append
from cases.referrals.spreadsheet import referral_template_xlsx

TYPED = ['=HYPERLINK("http://x","y")', "-2+3", "@SUM(A1)", "\t=1", "+212 600"]


@pytest.mark.parametrize("write_only", [False, True])
def test_formula_like_texts_are_written_to_a_workbook_as_text(write_only: bool) -> None:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    assert sheet is not None
    xlsx_append(sheet, ["Diallo", *TYPED, -2, None])
    output = io.BytesIO()
    workbook.save(output)

    read_back = load_workbook(io.BytesIO(output.getvalue())).worksheets[0]
    cells = next(iter(read_back.iter_rows()))
    assert [cell.value for cell in cells] == ["Diallo", *TYPED, -2]
    assert [cell.data_type for cell in cells] == ["s"] * 6 + ["n"]


def test_formula_like_texts_are_neutralised_in_a_csv() -> None:
    output = io.StringIO()
    export = CsvExport(output, delimiter=";")
    typed = [*TYPED, "\r=1"]
    export.writerows([["nom", "note"], ["Diallo", typed[0]], *([value, 3] for value in typed[1:])])

    rows = list(csv.reader(io.StringIO(output.getvalue(), newline=""), delimiter=";"))
    assert rows == [
        ["nom", "note"],
        ["Diallo", "'" + typed[0]],
        *(["'" + value, "3"] for value in typed[1:]),
    ]


def test_the_referral_template_is_written_through_the_export_helper() -> None:
    sheet = load_workbook(io.BytesIO(referral_template_xlsx())).worksheets[0]
    assert isinstance(sheet, Worksheet)
    phone_column = [cell.value for cell in sheet[1]].index("contact_phone") + 1

    phone = sheet.cell(row=2, column=phone_column)
    assert (phone.value, phone.data_type) == ("+212 600 00 00 00", "s")
