"""Spreadsheets for the bulk referral tests."""

import csv
import io

from cases.referrals.spreadsheet import COLUMNS
from cases.referrals.spreadsheet.cells import cell_text
from cases.referrals.spreadsheet.template import example_rows


def template_csv() -> str:
    """The template's headers and example rows as CSV, `;`-separated as French Excel writes it.

    It starts with a byte-order mark, as Excel's "CSV UTF-8" does.
    """
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    for example in example_rows():
        writer.writerow([cell_text(example.get(column.name)) for column in COLUMNS])
    return "\ufeff" + output.getvalue()
