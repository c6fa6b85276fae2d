"""English: 30 Nov 2026 and 30 Nov 2026 14:05. The month's name, because 11/30 and 30/11
are both read somewhere; the day first, as in the French and Arabic pages."""

DATE_FORMAT = SHORT_DATE_FORMAT = "d M Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "d M Y H:i"
TIME_FORMAT = "H:i"
# Typed day first in every language (avrr.forms.DateInput); ISO 8601 as well.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %b %Y", "%Y-%m-%d"]
