"""Arabic: the French order, 30/11/2026 and 30/11/2026 14:05, as dates are written in
Morocco. No right-to-left marks between the parts: without them a right-to-left page keeps
the date in one piece, read day first."""

DATE_FORMAT = SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
# Typed day first in every language (avrr.forms.DateInput); ISO 8601 as well.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
