"""Security headers: a strict Content-Security-Policy on pages, nothing that carries
personal data kept in a cache, no referrer outside the site, no powerful browser features."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings
from rest_framework.test import APIClient

from avrr.api_keys import api_key_create
from avrr.models import Organisation, User
from cases.models import Case
from cases.services import attachment_add
from tests.factories import pdf_upload, register_case

STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Bootstrap's icons (select arrows, check marks, the menu button) are data: SVGs.
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(header: str) -> dict[str, list[str]]:
    directives = [directive.split() for directive in header.split(";") if directive.strip()]
    return {name: sources for name, *sources in directives}


def assert_private(response: object) -> None:
    """Kept in no cache, the browser's included."""
    cache_control = response["Cache-Control"]  # type: ignore[index]
    assert "no-store" in [part.strip() for part in cache_control.split(",")], cache_control


@pytest.fixture
def case(caseworker: User, settings: Settings, tmp_path: Path) -> Case:
    settings.MEDIA_ROOT = tmp_path
    case = register_case(caseworker)
    attachment_add(actor=caseworker, case=case, kind="photo", upload=pdf_upload("photo.pdf"))
    return case


def test_a_case_page_has_a_strict_policy_and_is_not_stored(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert policy(response["Content-Security-Policy"]) == STRICT_POLICY
    assert_private(response)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_an_attachment_is_not_stored(client: Client, caseworker: User, case: Case) -> None:
    attachment = case.attachments.get()
    client.force_login(caseworker)
    response = client.get(reverse("cases:attachment", args=[case.pk, attachment.pk]))
    assert response.status_code == 200
    assert_private(response)
    assert policy(response["Content-Security-Policy"]) == STRICT_POLICY


def test_api_responses_are_not_stored(client: Client, caseworker: User, case: Case) -> None:
    client.force_login(caseworker)
    response = client.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    assert_private(response)


def test_api_responses_to_a_partner_key_are_not_stored(ngo: Organisation) -> None:
    # A key is checked in the API view, after the middleware saw an anonymous request.
    _api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    response = api.get("/api/v1/referrals/")
    assert response.status_code == 200
    assert_private(response)


def test_refusals_and_the_sign_in_page_are_not_stored(client: Client, case: Case) -> None:
    assert_private(client.get(reverse("login")))
    assert_private(client.get(reverse("cases:detail", args=[case.pk])))  # to sign in
    assert_private(client.get("/nowhere/"))


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/avrr/avrr.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_only_the_api_documentation_relaxes_the_policy(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    relaxed = policy(response["Content-Security-Policy"])
    assert relaxed["style-src"] == ["'self'", "'unsafe-inline'"]
    assert relaxed["script-src"] == ["'self'"]
    assert {name: sources for name, sources in relaxed.items() if name != "style-src"} == {
        name: sources for name, sources in STRICT_POLICY.items() if name != "style-src"
    }
    assert_private(response)
