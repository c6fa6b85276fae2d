"""French: 30/11/2026 and 30/11/2026 14:05."""

DATE_FORMAT = SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
# Typed day first in every language (avrr.forms.DateInput); ISO 8601 as well.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
