from typing import Any

import factory

from avrr.models import Organisation, User
from avrr.roles import Role
from avrr.services import user_sync_role

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
