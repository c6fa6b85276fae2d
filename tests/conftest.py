"""Personas (one per role), and the real PostgreSQL, Redis, worker and browser fixtures.

A test that needs a dependency this machine lacks is skipped; with AVRR_FORBID_SKIPS=1
(as in .ci/run) every such skip fails the run instead.
"""

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test.client import ClientMixin
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from avrr.celery import app as celery_app
from avrr.models import Organisation, User
from avrr.roles import Role
from tests.factories import OrganisationFactory, UserFactory

# page_checks before browser, which imports it: each plugin's asserts are then rewritten.
pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.page_checks",
    "tests.fixtures.browser",
]

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and os.environ.get("AVRR_FORBID_SKIPS") == "1":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"AVRR_FORBID_SKIPS: {len(_skipped)} skipped test(s) count as failures:", red=True
            )
            for nodeid in _skipped:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def french_by_default() -> Iterator[None]:
    """Each test starts in the default language, whatever a previous request activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Personas are created in most tests; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_gives_the_code_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test client's `force_login` signs in all the way: a user with an authenticator has
    given a code too, as after the second step (tests/avrr/test_two_steps.py goes through
    that step itself; so do the browser tests)."""
    force_login = ClientMixin.force_login

    def force_login_with_code(client: ClientMixin, user: User, backend: str | None = None) -> None:
        force_login(client, user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_code)


@pytest.fixture(autouse=True)
def tasks_run_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks queued by a test run in the test's process, unless it runs a real worker."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


# Organisations -----------------------------------------------------------------------


@pytest.fixture
def office_rabat(db: None) -> Organisation:
    return OrganisationFactory.create(name="OIM Rabat", code="RBA")


@pytest.fixture
def office_oujda(db: None) -> Organisation:
    return OrganisationFactory.create(name="OIM Oujda", code="OUJ")


@pytest.fixture
def mission_guinea(db: None) -> Organisation:
    return OrganisationFactory.create(
        name="Mission OIM Guinée", code="GIN", kind=Organisation.Kind.IOM_MISSION, country="GN"
    )


@pytest.fixture
def ministry(db: None) -> Organisation:
    return OrganisationFactory.create(
        name="Ministère de l'Intérieur", code="MI", kind=Organisation.Kind.GOVERNMENT
    )


@pytest.fixture
def ngo(db: None) -> Organisation:
    return OrganisationFactory.create(name="ONG Une", code="NGO1", kind=Organisation.Kind.NGO)


@pytest.fixture
def other_ngo(db: None) -> Organisation:
    return OrganisationFactory.create(name="ONG Deux", code="NGO2", kind=Organisation.Kind.NGO)


# Personas: one per role --------------------------------------------------------------


@pytest.fixture
def caseworker(office_rabat: Organisation) -> User:
    return UserFactory.create(
        username="caseworker", role=Role.CASEWORKER, organisation=office_rabat
    )


@pytest.fixture
def other_office_caseworker(office_oujda: Organisation) -> User:
    return UserFactory.create(
        username="caseworker.oujda", role=Role.CASEWORKER, organisation=office_oujda
    )


@pytest.fixture
def supervisor(office_rabat: Organisation) -> User:
    return UserFactory.create(
        username="supervisor", role=Role.SUPERVISOR, organisation=office_rabat
    )


@pytest.fixture
def reintegration_officer(mission_guinea: Organisation) -> User:
    return UserFactory.create(
        username="reintegration", role=Role.REINTEGRATION_OFFICER, organisation=mission_guinea
    )


@pytest.fixture
def ministry_focal_point(ministry: Organisation) -> User:
    return UserFactory.create(
        username="ministry", role=Role.MINISTRY_FOCAL_POINT, organisation=ministry
    )


@pytest.fixture
def ngo_referrer(ngo: Organisation) -> User:
    return UserFactory.create(username="ngo", role=Role.NGO_REFERRER, organisation=ngo)


@pytest.fixture
def admin_user(office_rabat: Organisation) -> User:
    return UserFactory.create(username="administrator", role=Role.ADMIN, organisation=office_rabat)


PERSONA_FIXTURES = {
    Role.CASEWORKER: "caseworker",
    Role.SUPERVISOR: "supervisor",
    Role.REINTEGRATION_OFFICER: "reintegration_officer",
    Role.MINISTRY_FOCAL_POINT: "ministry_focal_point",
    Role.NGO_REFERRER: "ngo_referrer",
    Role.ADMIN: "admin_user",
}


@pytest.fixture(params=list(PERSONA_FIXTURES), ids=lambda role: role.value)
def persona(request: pytest.FixtureRequest) -> User:
    """Each role's persona in turn."""
    user: User = request.getfixturevalue(PERSONA_FIXTURES[request.param])
    return user
