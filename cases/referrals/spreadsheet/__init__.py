"""Bulk referrals from a partner NGO's spreadsheet (CSV or XLSX): reading, checking, template.

The file format, and how a checked file is submitted: docs/referral-spreadsheet.md.
"""

from cases.referrals.spreadsheet.columns import COLUMNS as COLUMNS
from cases.referrals.spreadsheet.columns import Column as Column
from cases.referrals.spreadsheet.countries import country_code as country_code
from cases.referrals.spreadsheet.reading import MAX_ROWS as MAX_ROWS
from cases.referrals.spreadsheet.results import ImportResult as ImportResult
from cases.referrals.spreadsheet.results import RowError as RowError
from cases.referrals.spreadsheet.template import referral_template_xlsx as referral_template_xlsx
from cases.referrals.spreadsheet.validation import parse_referral_file as parse_referral_file
