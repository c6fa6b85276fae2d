"""One menu entry for the departure pages; tabs lead from one to the others."""

from django.test import Client
from django.urls import reverse

from avrr.models import User


def test_the_departure_pages_show_the_tabs_a_caseworker_may_open(
    client: Client, caseworker: User
) -> None:
    client.force_login(caseworker)
    page = client.get(reverse("departure:movements")).content.decode()
    for name in ("board", "blocked", "lpc_follow_up", "agreements", "waiting_list"):
        assert f'href="{reverse(f"departure:{name}")}"' in page
    assert 'aria-current="page"' in page


def test_a_mission_abroad_gets_no_departure_tabs(
    client: Client, reintegration_officer: User
) -> None:
    client.force_login(reintegration_officer)
    assert client.get(reverse("departure:movements")).status_code in (403, 404)
