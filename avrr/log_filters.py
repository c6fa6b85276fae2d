"""Keeps personal data out of the logs.

A request's query string holds what people search for: names, document numbers, phone
numbers. Django puts it in its records in several ways: the request line of runserver
(`django.server`), the request itself attached to the records of refused and failed
requests (`django.request`, `django.security.*`), the template context, request included,
attached to `django.template`'s debug records, and the values of each SQL statement in
`django.db.backends`' debug records. The filter removes these whatever the level, on the
loggers that create such records and on every handler (settings.LOGGING).
"""

import logging
import re

# A path followed by its query string, as in a request line or a URL in a message.
_QUERY_STRING = re.compile(r"(/[^\s?#\"']*)\?[^\s#\"']*")


def without_query_string(text: str) -> str:
    return _QUERY_STRING.sub(r"\1", text)


class PersonalDataFilter(logging.Filter):
    """Drops SQL statements with their values; takes the request, template contexts and
    query strings out of every other record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "sql", None) is not None:
            return False
        if hasattr(record, "request"):
            # Formatters and handlers (Django's AdminEmailHandler, error trackers) print the
            # request whole: its query string, its POST data, its cookies.
            record.request = None
        if record.name.startswith("django.template"):
            # The exception's message is the whole template context.
            record.exc_info = None
            record.exc_text = None
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is printed as logging does
            return True
        cleaned = without_query_string(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
