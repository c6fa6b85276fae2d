"""Names reduced to a key that ignores accents, case, punctuation and word order."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_tokens(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [token for token in _NON_ALNUM.split(without_accents.lower()) if token]


def name_key(*parts: str) -> str:
    """`name_key("Kouyaté", "Mariam")` == `name_key("MARIAM", "kouyate")` == "kouyate mariam"."""
    return " ".join(sorted(token for part in parts for token in name_tokens(part)))
