"""Referrals from partner NGOs: a request that IOM assist someone (and their family) to return.

The tables kept the names they had when referrals lived in the `cases` app.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from avrr.models import Organisation
from avrr.texts import no_bidi_controls
from avrr.versioning import VersionedModel
from cases.models import Attachment, Case, Priority, Relationship, Sex, VulnerabilityCode

# A referral's urgency becomes the priority of the case opened from it: one scale.
Urgency = Priority


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Soumis")
    UNDER_REVIEW = "under_review", _("En cours d'examen")
    ACCEPTED = "accepted", _("Accepté")
    DECLINED = "declined", _("Refusé")
    WITHDRAWN = "withdrawn", _("Retiré")
    # Never stored: what the NGO is shown once the case opened from the referral has
    # departed (`selectors.referrals_with_status_shown`).
    DEPARTED = "departed", _("Parti")


class Referral(VersionedModel):
    """A partner NGO's request that IOM assist someone (and their family) to return."""

    reference = models.CharField(_("référence"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation référente"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("bureau de l'OIM destinataire"),
        on_delete=models.PROTECT,
        related_name="received_referrals",
        limit_choices_to={"kind": Organisation.Kind.IOM_OFFICE},
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SUBMITTED,
    )
    urgency = models.IntegerField(_("urgence"), choices=Urgency.choices, default=Urgency.NORMAL)
    reason = models.TextField(_("motif du référencement"))
    contact_phone = models.CharField(
        _("téléphone de contact"), max_length=32, blank=True, validators=[no_bidi_controls]
    )
    consent_given_on = models.DateField(_("consentement au partage donné le"))
    consent_taken_by = models.CharField(
        _("consentement recueilli par"),
        max_length=200,
        validators=[no_bidi_controls],
        help_text=_("La personne de l'ONG qui a recueilli le consentement."),
    )
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    case = models.OneToOneField(
        Case,
        verbose_name=_("dossier ouvert"),
        on_delete=models.PROTECT,
        related_name="referral",
        null=True,
        blank=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("soumis le"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("statut changé le"), default=timezone.now)

    class Meta:
        db_table = "cases_referral"
        verbose_name = _("référencement")
        verbose_name_plural = _("référencements")
        ordering = ["-urgency", "-submitted_at"]
        indexes = [
            models.Index(fields=["office", "status", "-urgency", "-submitted_at"]),
            models.Index(fields=["organisation", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def status_shown_label(self) -> str:
        """The label of `status_shown`, the status as the viewer is shown it, which the
        selectors annotate."""
        return str(ReferralStatus(self.status_shown).label)  # type: ignore[attr-defined]


class ReferredPerson(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="people")
    relationship = models.CharField(
        _("lien avec la personne référée"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.PRINCIPAL,
    )
    family_name = models.CharField(_("nom"), max_length=100, validators=[no_bidi_controls])
    given_name = models.CharField(_("prénom"), max_length=100, validators=[no_bidi_controls])
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    age = models.PositiveIntegerField(_("âge"), null=True, blank=True)
    nationality = CountryField(_("nationalité"))
    languages = models.CharField(_("langues parlées"), max_length=200, blank=True)
    vulnerabilities = models.JSONField(_("vulnérabilités"), default=list, blank=True)

    class Meta:
        db_table = "cases_referredperson"
        verbose_name = _("personne référée")
        verbose_name_plural = _("personnes référées")
        ordering = ["referral", "id"]

    def __str__(self) -> str:
        return f"{self.family_name.upper()} {self.given_name}"

    @property
    def vulnerability_labels(self) -> list[str]:
        """The vulnerabilities, stored as codes, as people read them."""
        return [
            str(VulnerabilityCode(code).label) if code in VulnerabilityCode.values else code
            for code in self.vulnerabilities
        ]


def referral_attachment_path(instance: "ReferralAttachment", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"referrals/{instance.referral_id}/{uuid.uuid4().hex}{suffix}"


class ReferralAttachment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type"), max_length=20, choices=Attachment.Kind.choices)
    file = models.FileField(_("fichier"), upload_to=referral_attachment_path)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_referralattachment"
        verbose_name = _("pièce jointe de référencement")
        verbose_name_plural = _("pièces jointes de référencement")

    def __str__(self) -> str:
        return self.original_name


class IdempotencyRecord(models.Model):
    """A submission key an organisation's tool sent, so that a retry is answered, not redone."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="one_idempotency_key_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.key


class ReferralNotification(models.Model):
    """That the referring NGO was told of a status, so a retried task does not tell it twice."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_referralnotification"
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "status"], name="one_notification_per_referral_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"
