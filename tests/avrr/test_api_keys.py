"""Organisation API keys: creation, storage, authentication, revocation, the command."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from avrr.api_keys import api_key_create, api_key_revoke
from avrr.models import ApiKey, AuditEvent, Organisation, User
from avrr.roles import Role, group_name

ME = "/api/v1/me/"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def get_me(client: APIClient, raw_key: str) -> int:
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return int(client.get(ME).status_code)


def stored_text() -> str:
    """Everything the database holds about keys, their users and the audit trail."""
    rows = [
        *ApiKey.objects.values(),
        *User.objects.values(),
        *AuditEvent.objects.values(),
    ]
    return repr(rows)


def test_key_for_an_ngo_makes_its_technical_user(ngo: Organisation, admin_user: User) -> None:
    api_key, _raw_key = api_key_create(actor=admin_user, organisation=ngo, name="Kobo")
    user = User.objects.get(pk=api_key.user_id)
    assert user.username == f"api.ngo1.{ngo.pk}"
    assert user.role == Role.NGO_REFERRER
    assert user.organisation == ngo
    assert user.email == ""
    assert not user.has_usable_password()
    assert not user.is_staff
    assert not user.is_superuser
    assert list(user.groups.all()) == [Group.objects.get(name=group_name(Role.NGO_REFERRER))]
    assert api_key.organisation == ngo
    assert api_key.name == "Kobo"
    assert api_key.revoked_at is None
    assert api_key.last_used_at is None
    event = AuditEvent.objects.get(action="api_key.create")
    assert event.actor == admin_user
    assert event.target_id == str(api_key.pk)


def test_only_the_hash_of_the_key_is_stored(ngo: Organisation) -> None:
    api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    api_key.refresh_from_db()
    prefix, secret = raw_key.split(".", 1)
    assert api_key.prefix == prefix
    assert api_key.hashed_key == hashlib.sha256(raw_key.encode()).hexdigest()
    assert len(secret) >= 32
    text = stored_text()
    assert raw_key not in text
    assert secret not in text


def test_keys_of_an_organisation_share_its_technical_user(ngo: Organisation) -> None:
    first, first_raw = api_key_create(actor=None, organisation=ngo, name="Kobo")
    second, second_raw = api_key_create(actor=None, organisation=ngo, name="ODK")
    assert first.user_id == second.user_id
    assert first_raw != second_raw
    assert first.hashed_key != second.hashed_key
    assert User.objects.filter(username__startswith="api.").count() == 1


def test_key_for_a_ministry_acts_as_its_focal_point(ministry: Organisation) -> None:
    api_key, _raw = api_key_create(actor=None, organisation=ministry, name="Tableau de bord")
    assert api_key.user.username == f"api.mi.{ministry.pk}"
    assert api_key.user.role == Role.MINISTRY_FOCAL_POINT


@pytest.mark.parametrize("organisation_fixture", ["office_rabat", "mission_guinea"])
def test_no_keys_for_iom(request: pytest.FixtureRequest, organisation_fixture: str) -> None:
    organisation: Organisation = request.getfixturevalue(organisation_fixture)
    with pytest.raises(ValueError, match="API keys are for NGOs and ministries"):
        api_key_create(actor=None, organisation=organisation, name="Interne")
    assert not ApiKey.objects.exists()
    assert not User.objects.filter(username__startswith="api.").exists()
    assert not AuditEvent.objects.filter(action="api_key.create").exists()


# Authentication -----------------------------------------------------------------------


def test_key_authenticates_as_the_technical_user(api_client: APIClient, ngo: Organisation) -> None:
    _api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    response = api_client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == f"api.ngo1.{ngo.pk}"
    assert body["role"] == "ngo_referrer"
    assert body["organisation"]["code"] == "NGO1"


def test_revoked_key_is_refused(api_client: APIClient, ngo: Organisation, admin_user: User) -> None:
    api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    assert get_me(api_client, raw_key) == 200
    api_key_revoke(actor=admin_user, api_key=api_key)
    api_key_revoke(actor=admin_user, api_key=api_key)
    assert get_me(api_client, raw_key) == 401
    assert AuditEvent.objects.filter(action="api_key.revoke").count() == 1
    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None


def test_revoking_one_key_leaves_the_others_working(
    api_client: APIClient, ngo: Organisation
) -> None:
    revoked, revoked_raw = api_key_create(actor=None, organisation=ngo, name="Ancien")
    _kept, kept_raw = api_key_create(actor=None, organisation=ngo, name="Nouveau")
    api_key_revoke(actor=None, api_key=revoked)
    assert get_me(api_client, revoked_raw) == 401
    assert get_me(api_client, kept_raw) == 200


def test_key_of_a_deactivated_organisation_is_refused(
    api_client: APIClient, ngo: Organisation
) -> None:
    _api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    Organisation.objects.filter(pk=ngo.pk).update(is_active=False)
    assert get_me(api_client, raw_key) == 401


def test_key_of_a_deactivated_technical_user_is_refused(
    api_client: APIClient, ngo: Organisation
) -> None:
    api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    User.objects.filter(pk=api_key.user_id).update(is_active=False)
    assert get_me(api_client, raw_key) == 401


@pytest.mark.parametrize(
    "header",
    ["Api-Key not-a-real-key", "Api-Key ", "Api-Key a b", "Api-Key {raw}x", "Api-Key {prefix}"],
    ids=["unknown", "empty", "three-parts", "altered", "prefix-only"],
)
def test_wrong_key_is_refused(api_client: APIClient, ngo: Organisation, header: str) -> None:
    _api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    header = header.format(raw=raw_key, prefix=raw_key.split(".")[0])
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_last_used_at_is_set_on_use(api_client: APIClient, ngo: Organisation) -> None:
    api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    before = timezone.now()
    assert get_me(api_client, raw_key) == 200
    first_use = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first_use is not None
    assert before <= first_use <= timezone.now()
    # Within a few minutes, a further use does not write again.
    assert get_me(api_client, raw_key) == 200
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at == first_use
    # Later on, it does.
    long_ago = timezone.now() - timedelta(hours=1)
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=long_ago)
    assert get_me(api_client, raw_key) == 200
    refreshed = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert refreshed is not None
    assert refreshed > long_ago + timedelta(minutes=30)


def test_a_refused_key_is_not_marked_used(api_client: APIClient, ngo: Organisation) -> None:
    api_key, raw_key = api_key_create(actor=None, organisation=ngo, name="Kobo")
    api_key_revoke(actor=None, api_key=api_key)
    assert get_me(api_client, raw_key) == 401
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at is None


# The management command ---------------------------------------------------------------


def test_command_prints_a_key_that_works(api_client: APIClient, ngo: Organisation) -> None:
    out = StringIO()
    call_command("create_api_key", "ngo1", "Kobo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "API key for ONG Une (Kobo), shown only now:"
    raw_key = lines[1]
    assert ApiKey.objects.get().hashed_key == hashlib.sha256(raw_key.encode()).hexdigest()
    assert get_me(api_client, raw_key) == 200
    assert api_client.get(ME).json()["username"] == f"api.ngo1.{ngo.pk}"
    assert AuditEvent.objects.get(action="api_key.create").actor is None


def test_command_refuses_an_unknown_code(db: None) -> None:
    with pytest.raises(CommandError, match="No active organisation with code 'NOPE'"):
        call_command("create_api_key", "NOPE", "Kobo", stdout=StringIO())
    assert not ApiKey.objects.exists()


def test_command_refuses_a_deactivated_organisation(ngo: Organisation) -> None:
    Organisation.objects.filter(pk=ngo.pk).update(is_active=False)
    with pytest.raises(CommandError):
        call_command("create_api_key", "NGO1", "Kobo", stdout=StringIO())
    assert not ApiKey.objects.exists()


def test_command_refuses_an_iom_office(office_rabat: Organisation) -> None:
    with pytest.raises(CommandError, match="API keys are for NGOs and ministries"):
        call_command("create_api_key", "RBA", "Kobo", stdout=StringIO())
    assert not ApiKey.objects.exists()


def test_a_reused_code_does_not_inherit_another_organisations_user(
    api_client: APIClient, other_ngo: Organisation
) -> None:
    api_key_create(actor=None, organisation=other_ngo, name="Kobo")
    # NGO2 is renamed; a new NGO later gets the code it freed.
    Organisation.objects.filter(pk=other_ngo.pk).update(code="NGO3")
    newcomer = Organisation.objects.create(name="ONG Nouvelle", code="NGO2", kind="ngo")
    api_key, raw_key = api_key_create(actor=None, organisation=newcomer, name="Kobo")
    assert api_key.user.organisation_id == newcomer.pk
    assert get_me(api_client, raw_key) == 200
    assert api_client.get(ME).json()["organisation"]["code"] == "NGO2"
