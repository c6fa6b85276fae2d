"""The main navigation: each app registers its entries with the rule that shows them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from avrr.rules import AnyUser


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    is_visible: Callable[[AnyUser], bool]
    position: int = 100


_entries: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if all(existing.url_name != entry.url_name for existing in _entries):
        _entries.append(entry)
        _entries.sort(key=lambda existing: existing.position)


def entries_for(user: AnyUser) -> list[NavEntry]:
    return [entry for entry in _entries if entry.is_visible(user)]
