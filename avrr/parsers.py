"""The API reads JSON bodies only, and refuses those nested too deep to be read safely.

Python's json module reads nested arrays and objects by recursion: a body of a few
thousand `[` would exhaust the stack (RecursionError, a 500) before any serializer saw it.
No body of this API goes deeper than a handful of levels.
"""

import re
from collections.abc import Mapping
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A referral is 4 levels deep (body, people, a person, its vulnerabilities): room to grow.
MAX_JSON_DEPTH = 32

# A JSON string, escapes included; the brackets inside it do not nest anything.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the arrays and objects of `text` nest more than `limit` deep.

    Counted on the text, before it is parsed; for a body that is not valid JSON the count
    may be wrong, but the body is refused either way."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing with 400 a body nested more than MAX_JSON_DEPTH deep."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        # A body that is not in its encoding is refused by DRF's parser, below.
        if json_depth_exceeds(raw.decode(encoding, errors="replace"), MAX_JSON_DEPTH):
            raise ParseError(
                gettext(
                    "Le JSON est imbriqué trop profondément : %(max)s niveaux de tableaux et "
                    "d'objets au plus."
                )
                % {"max": MAX_JSON_DEPTH}
            )
        return super().parse(BytesIO(raw), media_type, parser_context)
