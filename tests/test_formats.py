"""One date format and one date-time format per language, on every page (avrr/formats)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from avrr.models import AuditEvent, User
from cases.models import Case
from tests.factories import register_case

EXPECTED = {
    "fr": ("30/11/2025", "30/11/2025 14:05"),
    "en": ("30 Nov 2025", "30 Nov 2025 14:05"),
    "ar": ("30/11/2025", "30/11/2025 14:05"),
}
A_DATE = date(2025, 11, 30)
A_MOMENT = datetime(2025, 11, 30, 14, 5, tzinfo=ZoneInfo("Africa/Casablanca"))


@pytest.mark.parametrize("language", list(EXPECTED))
def test_every_named_format_writes_a_date_one_way(language: str) -> None:
    day, moment = EXPECTED[language]
    with translation.override(language):
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(A_DATE, name) == day, name
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(A_MOMENT, name) == moment, name


@pytest.mark.parametrize("language", list(EXPECTED))
def test_case_page_dates_in_each_language(client: Client, caseworker: User, language: str) -> None:
    case = register_case(caseworker, registered_on=A_DATE)
    # The timeline is the audit trail: one of its events at a chosen moment.
    case_type = ContentType.objects.get_for_model(Case)
    AuditEvent.objects.create(
        occurred_at=A_MOMENT,
        actor=caseworker,
        action="case.update",
        target_type=case_type,
        target_id=str(case.pk),
        scope_type=case_type,
        scope_id=str(case.pk),
    )
    client.force_login(caseworker)
    client.cookies["django_language"] = language
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    day, moment = EXPECTED[language]
    assert f'<dd class="col-6">{day}</dd>' in page  # registered on
    assert f'<span class="text-body-secondary">{moment}</span>' in page  # the timeline
    assert "11/30/2025" not in page
    assert "\u200f" not in page
