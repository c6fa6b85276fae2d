"""Countries as people write them in a spreadsheet: ISO codes, or names in French or English."""

from functools import cache

from django.utils import translation
from django.utils.encoding import force_str
from django_countries import countries
from django_countries.data import COUNTRIES

from cases.names import name_tokens

# Names people write that are in neither language's list.
_COUNTRY_ALIASES = {
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "rdc": "CD",
    "rd congo": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "guinee conakry": "GN",
    "guinea conakry": "GN",
    "centrafrique": "CF",
    "burkina": "BF",
}


def _country_key(name: str) -> str:
    return " ".join(name_tokens(name))


@cache
def _country_names() -> dict[str, str]:
    """Country names in English and French (current and former), reduced by `_country_key`."""
    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        found.setdefault(_country_key(name), set()).add(code)
        if "(" in name:  # "Bolivie (État plurinational de)" is also "Bolivie"
            found.setdefault(_country_key(name.split("(")[0]), set()).add(code)

    for language in ("en", "fr"):
        with translation.override(language):
            for code, name in countries:
                add(name, code)
            for code, official in COUNTRIES.items():
                add(force_str(official), code)
            for code, former in countries.shadowed_names.items():
                for name in former:
                    add(force_str(name), code)
    names = {key: next(iter(codes)) for key, codes in found.items() if key and len(codes) == 1}
    names.update(_COUNTRY_ALIASES)
    return names


def country_code(value: str) -> str:
    """The ISO alpha-2 code of a country given by code or name; "" when unknown.

    `country_code("GIN")` == `country_code("guinée")` == `country_code("Guinea")` == "GN".
    """
    text = value.strip()
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = countries.alpha2(text)
        if code:
            return code
    return _country_names().get(_country_key(text), "")
