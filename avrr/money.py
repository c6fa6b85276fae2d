"""Currencies: which codes an amount may be in, and how the pages offer them.

The list is Babel's (CLDR data): a code is a currency when it is the ISO 4217 code of a
currency that is legal tender in some country on the day. "XYZ" is not one, nor the French
franc after 2002, nor the fund, precious-metal and test codes (XAU, XTS, XXX…), which no
assistance is given in.
"""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _

from avrr.env import env_list, env_str

# A choice, or a group of choices under a heading, as a Django ChoiceField takes them.
Choice = tuple[str, str | list[tuple[str, str]]]


@lru_cache(maxsize=32)
def currencies_in_use(on: date) -> frozenset[str]:
    """The ISO 4217 codes of the currencies that are legal tender somewhere on `on`."""
    return frozenset(
        str(code)
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, start_date=on)
    )


def is_currency(code: str, *, on: date) -> bool:
    return code in currencies_in_use(on)


def currency_label(code: str) -> str:
    """The code and the currency's name in the active language: "MAD — dirham marocain"."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    name = get_currency_name(code, locale=translation.to_locale(language))
    return f"{code} — {name}"


def currency_choices(*, on: date) -> list[Choice]:
    """The programme's currencies first, in the configured order, then every other currency
    in use on `on`, by code."""
    programme = list(settings.PROGRAMME_CURRENCIES)
    others = sorted(currencies_in_use(on).difference(programme))
    return [
        *((code, currency_label(code)) for code in programme),
        (_("Autres devises"), [(code, currency_label(code)) for code in others]),
    ]


def env_currencies(name: str, default: list[str]) -> list[str]:
    """Currency codes from a comma-separated environment variable, in its order.

    A code that is not a currency in use stops the process at start-up, naming the variable.
    """
    codes = list(dict.fromkeys(code.upper() for code in env_list(name, default)))
    if not codes:
        raise ImproperlyConfigured(f"Environment variable {name}: at least one currency code")
    # Read with the settings, before the time zone is set up: the UTC day is close enough.
    today = datetime.now(UTC).date()
    unknown = [code for code in codes if not is_currency(code, on=today)]
    if unknown:
        raise ImproperlyConfigured(
            f"Environment variable {name}: not ISO 4217 codes of currencies in use: "
            + ", ".join(unknown)
        )
    return codes


def env_amount(name: str, default: str) -> tuple[Decimal, str]:
    """An amount and its currency from an environment variable written "100 USD".

    A malformed value, a negative amount or a code that is not a currency in use stops the
    process at start-up, naming the variable.
    """
    words = env_str(name, default).split()
    problem = ImproperlyConfigured(
        f'Environment variable {name}: an amount and a currency code, e.g. "100 USD"'
    )
    if len(words) != 2:
        raise problem
    try:
        amount = Decimal(words[0])
    except InvalidOperation:
        raise problem from None
    code = words[1].upper()
    # Read with the settings, before the time zone is set up: the UTC day is close enough.
    today = datetime.now(UTC).date()
    if not amount.is_finite() or amount < 0 or not is_currency(code, on=today):
        raise problem
    return amount, code
