import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from avrr.models import User


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/schema/", "/api/docs/"])
def test_api_without_credentials_is_refused(api_client: APIClient, db: None, url: str) -> None:
    response = api_client.get(url)
    assert response.status_code in (401, 403)


def test_bad_token_is_refused(api_client: APIClient, db: None) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_token_authentication(api_client: APIClient, ngo_referrer: User) -> None:
    token = Token.objects.create(user=ngo_referrer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["role"] == "ngo_referrer"
    assert response.json()["organisation"]["code"] == "NGO1"


def test_schema_and_docs_for_a_signed_in_user(api_client: APIClient, caseworker: User) -> None:
    api_client.force_authenticate(caseworker)
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.json()["paths"]
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    # The interactive docs are served from this site, never from a CDN.
    assert "cdn" not in docs.content.decode().lower()
