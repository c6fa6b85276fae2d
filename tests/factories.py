import importlib
import time
from datetime import date
from typing import TYPE_CHECKING, Any

import factory
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from avrr.models import Organisation, User
from avrr.roles import Role
from avrr.services import user_sync_role

if TYPE_CHECKING:
    from cases.models import Case
    from cases.referrals.services import ReferralData
    from cases.services import PersonData

PERSONA_PASSWORD = "Correct-Horse-Battery-42"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"OIM Bureau {n}")
    code = factory.Sequence(lambda n: f"OF{n:03d}")
    kind = Organisation.Kind.IOM_OFFICE
    country = "MA"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.CASEWORKER
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        user.set_password(extracted or PERSONA_PASSWORD)
        if create:
            user.save(update_fields=["password"])
            user_sync_role(user=user)

    @factory.post_generation
    def authenticator(user: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        """Users whose role requires two-step verification have enrolled an authenticator
        (`authenticator=False`: not yet)."""
        wanted = extracted if extracted is not None else user.role in settings.OTP_REQUIRED_ROLES
        if create and wanted and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def authenticator_code(user: User) -> str:
    """The code the user's authenticator application shows: the current one, or the next
    one when the current one was already used (a code is accepted once)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t - totp.t() + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def person_data(**overrides: Any) -> "PersonData":
    """A valid principal applicant, as the registration form would give it."""
    from cases.services import PersonData

    values: dict[str, Any] = {
        "family_name": "Camara",
        "given_name": "Mariama",
        "sex": "F",
        "nationality": "GN",
        "birth_date": date(1995, 3, 14),
    }
    values.update(overrides)
    return PersonData(**values)


def child_data(**overrides: Any) -> "PersonData":
    values: dict[str, Any] = {
        "family_name": "Camara",
        "given_name": "Ibrahima",
        "sex": "M",
        "nationality": "GN",
        "relationship": "child",
        "birth_date": date(2018, 9, 2),
    }
    values.update(overrides)
    return person_data(**values)


def register_case(actor: User, *people: "PersonData", **kwargs: Any) -> "Case":
    """A case registered through the service, as a caseworker would."""
    from cases.services import case_register

    return case_register(actor=actor, people=list(people) or [person_data()], **kwargs)


def pdf_upload(name: str = "declaration.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")


def referral_data(office: Organisation, **overrides: Any) -> "ReferralData":
    """A valid referral of a mother and her child, with the person's consent."""
    from cases.referrals.services import ReferralData, ReferredPersonData

    values: dict[str, Any] = {
        "office": office,
        "people": [
            ReferredPersonData(
                family_name="Konaté",
                given_name="Aminata",
                sex="F",
                nationality="CI",
                birth_date=date(1996, 2, 11),
                vulnerabilities=["single_parent"],
            ),
            ReferredPersonData(
                family_name="Konaté",
                given_name="Moussa",
                sex="M",
                nationality="CI",
                relationship="child",
                age=4,
            ),
        ],
        "reason": "Souhaite rentrer auprès de sa famille à Abidjan.",
        "consent_given_on": date(2026, 1, 10),
        "consent_taken_by": "Fatou Diallo",
        "urgency": 1,
        "contact_phone": "+212 600 00 00 00",
    }
    values.update(overrides)
    return ReferralData(**values)


def embassies_seed() -> None:
    """The embassies the data migration seeds (again: it creates what is missing). A
    transactional test empties every table, migration data included."""
    migration = importlib.import_module("cases.departure.migrations.0002_embassies")
    migration.embassies_seed(apps, None)
