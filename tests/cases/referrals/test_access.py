"""Who sees which referral, who may submit, correct and triage them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.referrals import access
from cases.referrals.models import Referral, ReferralStatus
from cases.referrals.services import (
    referral_accept,
    referral_decline,
    referral_review_start,
    referral_submit,
    referral_withdraw,
)
from tests.factories import UserFactory, referral_data

World = dict[str, Referral]


@pytest.fixture
def other_ngo_referrer(other_ngo: Organisation) -> User:
    return UserFactory.create(username="ngo2", role=Role.NGO_REFERRER, organisation=other_ngo)


@pytest.fixture
def world(
    ngo_referrer: User,
    other_ngo_referrer: User,
    office_rabat: Organisation,
    office_oujda: Organisation,
) -> World:
    """NGO1 refers to Rabat and to Oujda; NGO2 refers to Rabat."""
    return {
        "ngo1_rabat": referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))[0],
        "ngo1_oujda": referral_submit(actor=ngo_referrer, data=referral_data(office_oujda))[0],
        "ngo2_rabat": referral_submit(actor=other_ngo_referrer, data=referral_data(office_rabat))[
            0
        ],
    }


def visible(user: User | AnonymousUser, world: World) -> set[str]:
    pks = set(access.referrals_for(user).values_list("pk", flat=True))
    return {name for name, referral in world.items() if referral.pk in pks}


@pytest.mark.parametrize(
    ("persona_fixture", "expected"),
    [
        ("ngo_referrer", {"ngo1_rabat", "ngo1_oujda"}),
        ("other_ngo_referrer", {"ngo2_rabat"}),
        ("caseworker", {"ngo1_rabat", "ngo2_rabat"}),
        ("supervisor", {"ngo1_rabat", "ngo2_rabat"}),
        ("other_office_caseworker", {"ngo1_oujda"}),
        ("ministry_focal_point", set()),
        ("reintegration_officer", set()),
        ("admin_user", {"ngo1_rabat", "ngo1_oujda", "ngo2_rabat"}),
    ],
)
def test_referrals_for_each_persona(
    request: pytest.FixtureRequest, world: World, persona_fixture: str, expected: set[str]
) -> None:
    user: User = request.getfixturevalue(persona_fixture)
    assert visible(user, world) == expected


def test_an_ngo_without_referrals_sees_none_of_another_ngos(
    ngo_referrer: User, other_ngo_referrer: User, office_rabat: Organisation
) -> None:
    referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    assert not access.referrals_for(other_ngo_referrer).exists()


def test_every_user_of_the_ngo_sees_its_referrals(world: World, ngo: Organisation) -> None:
    colleague = UserFactory.create(
        username="ngo.colleague", role=Role.NGO_REFERRER, organisation=ngo
    )
    assert visible(colleague, world) == {"ngo1_rabat", "ngo1_oujda"}


def test_anonymous_and_deactivated_users_see_nothing(
    world: World, ngo_referrer: User, caseworker: User, ngo: Organisation
) -> None:
    assert visible(AnonymousUser(), world) == set()
    User.objects.filter(pk=caseworker.pk).update(is_active=False)
    assert visible(User.objects.get(pk=caseworker.pk), world) == set()
    Organisation.objects.filter(pk=ngo.pk).update(is_active=False)
    assert visible(User.objects.select_related("organisation").get(pk=ngo_referrer.pk), world) == (
        set()
    )


def test_a_referrer_role_in_a_non_ngo_organisation_sees_nothing(
    world: World, office_rabat: Organisation
) -> None:
    misplaced = UserFactory.create(
        username="misplaced", role=Role.NGO_REFERRER, organisation=office_rabat
    )
    assert visible(misplaced, world) == set()
    assert not access.can_submit_referrals(misplaced)


def test_referral_for_gives_what_the_user_may_see(
    world: World, ngo_referrer: User, caseworker: User, admin_user: User
) -> None:
    referral = world["ngo1_rabat"]
    assert access.referral_for(ngo_referrer, referral.pk) == referral
    assert access.referral_for(caseworker, referral.pk) == referral
    assert access.referral_for(admin_user, world["ngo1_oujda"].pk) == world["ngo1_oujda"]


@pytest.mark.parametrize(
    ("persona_fixture", "referral_name"),
    [
        ("other_ngo_referrer", "ngo1_rabat"),
        ("ngo_referrer", "ngo2_rabat"),
        ("other_office_caseworker", "ngo1_rabat"),
        ("caseworker", "ngo1_oujda"),
        ("ministry_focal_point", "ngo1_rabat"),
        ("reintegration_officer", "ngo1_rabat"),
    ],
)
def test_referral_for_404s_outside(
    request: pytest.FixtureRequest, world: World, persona_fixture: str, referral_name: str
) -> None:
    user: User = request.getfixturevalue(persona_fixture)
    with pytest.raises(Http404):
        access.referral_for(user, world[referral_name].pk)


def test_referral_for_404s_for_a_referral_that_does_not_exist(
    world: World, admin_user: User
) -> None:
    missing = max(referral.pk for referral in world.values()) + 1000
    with pytest.raises(Http404):
        access.referral_for(admin_user, missing)


@pytest.mark.parametrize(
    ("persona_fixture", "submits", "triages"),
    [
        ("ngo_referrer", True, False),
        ("caseworker", False, True),
        ("supervisor", False, True),
        ("other_office_caseworker", False, True),
        ("ministry_focal_point", False, False),
        ("reintegration_officer", False, False),
        ("admin_user", False, False),
    ],
)
def test_who_submits_and_who_triages(
    request: pytest.FixtureRequest, persona_fixture: str, submits: bool, triages: bool
) -> None:
    user: User = request.getfixturevalue(persona_fixture)
    assert access.can_submit_referrals(user) is submits
    assert access.can_triage_referrals(user) is triages


@pytest.mark.parametrize(
    ("persona_fixture", "expected"),
    [
        ("ngo_referrer", True),
        ("other_ngo_referrer", False),
        ("caseworker", False),
        ("supervisor", False),
        ("admin_user", False),
        ("ministry_focal_point", False),
    ],
)
def test_can_correct_a_submitted_referral(
    request: pytest.FixtureRequest, world: World, persona_fixture: str, expected: bool
) -> None:
    user: User = request.getfixturevalue(persona_fixture)
    assert access.can_correct_referral(user, world["ngo1_rabat"]) is expected


@pytest.mark.parametrize("step", ["under_review", "declined", "accepted", "withdrawn"])
def test_no_correction_after_submission(
    world: World, ngo_referrer: User, caseworker: User, step: str
) -> None:
    referral = world["ngo1_rabat"]
    if step == "under_review":
        referral_review_start(actor=caseworker, referral=referral)
    elif step == "declined":
        referral_decline(actor=caseworker, referral=referral, reason="Hors mandat.")
    elif step == "accepted":
        referral_accept(actor=caseworker, referral=referral)
    else:
        referral_withdraw(actor=ngo_referrer, referral=referral)
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.status == step
    assert access.can_correct_referral(ngo_referrer, referral) is False
    # The referral stays visible to the NGO whatever its status.
    assert access.referral_for(ngo_referrer, referral.pk) == referral
    assert referral.status != ReferralStatus.SUBMITTED


@pytest.mark.parametrize(
    ("persona_fixture", "expected"),
    [
        ("caseworker", True),
        ("supervisor", True),
        ("other_office_caseworker", False),
        ("ngo_referrer", False),
        ("admin_user", False),
        ("ministry_focal_point", False),
        ("reintegration_officer", False),
    ],
)
def test_can_triage_only_the_office_referrals(
    request: pytest.FixtureRequest, world: World, persona_fixture: str, expected: bool
) -> None:
    user: User = request.getfixturevalue(persona_fixture)
    assert access.can_triage_referral(user, world["ngo1_rabat"]) is expected
