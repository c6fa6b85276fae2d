"""Reading the settings from environment variables, failing loudly on bad values.

A typo in production configuration must stop the process at start-up with a message
naming the variable, never fall back silently to a default.
"""

import os
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _read(name: str, default: T, parse: Callable[[str], T]) -> T:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r}: {error}") from None


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected one of true/false, yes/no, on/off, 1/0")


def _parse_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("expected a whole number") from None
    if value < 0:
        raise ValueError("expected a number of zero or more")
    return value


def _parse_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _parse_time_zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a known IANA time zone (e.g. Africa/Casablanca)") from None
    return raw


def env_str(name: str, default: str = "") -> str:
    return _read(name, default, str)


def env_bool(name: str, default: bool) -> bool:
    return _read(name, default, _parse_bool)


def env_int(name: str, default: int) -> int:
    return _read(name, default, _parse_int)


def env_list(name: str, default: list[str]) -> list[str]:
    return _read(name, default, _parse_list)


def env_time_zone(name: str, default: str) -> str:
    return _read(name, default, _parse_time_zone)
