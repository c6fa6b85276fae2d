from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from avrr.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        IOM_OFFICE = "iom_office", _("Bureau OIM au Maroc")
        IOM_MISSION = "iom_mission", _("Mission OIM dans un pays d'origine")
        GOVERNMENT = "government", _("Ministère ou service public")
        NGO = "ngo", _("ONG partenaire")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Code court en majuscules, utilisé dans les numéros de dossier (ex. RBA)."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    country = CountryField(_("pays"), default="MA")
    is_operational = models.BooleanField(
        _("opérationnelle"),
        default=True,
        help_text=_("Pour une mission : peut-elle livrer l'assistance à la réintégration ?"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]{2,12}$"),
                name="organisation_code_format",
                violation_error_message=_("Le code compte 2 à 12 majuscules ou chiffres."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sequence(models.Model):
    """The last number given in a named yearly series of an organisation: an office's case
    numbers, an NGO's referral references. Numbers are never reused."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=32)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "year"], name="one_sequence_per_name_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.name}/{self.year}: {self.last_value}"


class AvrrUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    language = models.CharField(
        _("langue"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Langue des pages et des e-mails envoyés à cet utilisateur."),
    )

    objects: ClassVar[AvrrUserManager] = AvrrUserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(organisation__isnull=False),
                name="user_has_organisation_unless_admin",
                violation_error_message=_(
                    "Seul un administrateur peut n'appartenir à aucune organisation."
                ),
            ),
        ]

    @property
    def office(self) -> Organisation | None:
        """The IOM office in Morocco the user works in, if any."""
        organisation = self.organisation
        if organisation is not None and organisation.kind == Organisation.Kind.IOM_OFFICE:
            return organisation
        return None

    @property
    def mission_country(self) -> str | None:
        """The country of origin of the IOM mission the user works in, if any."""
        organisation = self.organisation
        if organisation is not None and organisation.kind == Organisation.Kind.IOM_MISSION:
            return str(organisation.country)
        return None


class AppendOnlyError(Exception):
    """The audit trail is never changed nor shortened."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which record, and when. Rows are only ever inserted."""

    occurred_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("identifiant de l'auteur"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(_("identifiant de la cible"), max_length=64, blank=True)
    # The record whose history this event belongs to (e.g. the case of a person changed),
    # so that one query gives a record's whole timeline.
    scope_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "occurred_at"]),
            models.Index(fields=["scope_type", "scope_id", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")


class ApiKey(models.Model):
    """An organisation's key for its own tools to use the API.

    The key acts as the organisation's technical user, so every access rule applies to it
    unchanged. Only a hash of the key is stored; the key itself is shown once, at creation.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("nom"), max_length=100, help_text=_("L'outil qui utilise la clé."))
    prefix = models.CharField(_("préfixe"), max_length=8, db_index=True)
    hashed_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["organisation", "-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation.code} · {self.name} ({self.prefix}…)"


class OutboxMessage(models.Model):
    """Work to do once the transaction that wrote it has committed, such as an e-mail.

    Written in the same transaction as the change it follows, so that the change and its
    consequence are kept or lost together, whatever the broker's state (avrr/outbox.py).
    The arguments are ids and codes, never personal data.
    """

    handler = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    # The class of the last failure's exception only: its message may hold an address.
    last_error = models.CharField(max_length=100, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.handler}"


class RateCounter(models.Model):
    """Requests counted in one window of a rate limit, while the cache cannot count them."""

    scope = models.CharField(max_length=32)
    # The SHA-256 of the client's cache key (its organisation, user or address).
    ident = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "ident", "window_start"], name="one_rate_counter_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.ident[:8]}/{self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
