"""Every interface string is translated into English and Arabic, with nothing left fuzzy."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_catalogue_is_complete(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        catalogue = read_po(po_file)
    assert len(catalogue) > 20
    untranslated = [m.id for m in catalogue if m.id and not all(_strings(m.string))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def _strings(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)
