"""Cases, the people in them, and the pre-departure work recorded on them.

Field names and codes follow the case register format (shared/formats/case-register.md).
"""

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from avrr.models import Organisation
from avrr.texts import no_bidi_controls
from avrr.versioning import VersionedModel

ADULT_AGE = 18
# The oldest age the forms, the API, imports and services accept.
MAX_AGE = 120


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Enregistré")
    ASSISTING = "assisting", _("En assistance")
    READY = "ready", _("Prêt au départ")
    WAITING_FUNDS = "waiting_funds", _("En attente de financement")
    DEPARTED = "departed", _("Parti")
    REINTEGRATING = "reintegrating", _("En réintégration")
    CLOSED = "closed", _("Clôturé")
    WITHDRAWN = "withdrawn", _("Désisté")


# A person may withdraw, and a case's details may change, until departure.
PRE_DEPARTURE_STATUSES = frozenset(
    {CaseStatus.REGISTERED, CaseStatus.ASSISTING, CaseStatus.READY, CaseStatus.WAITING_FUNDS}
)
RETURNED_STATUSES = frozenset({CaseStatus.DEPARTED, CaseStatus.REINTEGRATING, CaseStatus.CLOSED})
# A case is open until one of these.
ENDED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.WITHDRAWN})


class TravelMode(models.TextChoices):
    AIR = "air", _("Avion")
    LAND = "land", _("Voie terrestre")


class ReferralSource(models.TextChoices):
    WALK_IN = "walk_in", _("Spontané (au bureau)")
    NGO = "ngo", _("ONG partenaire")
    AUTHORITY = "authority", _("Autorité")
    WORD_OF_MOUTH = "word_of_mouth", _("Bouche-à-oreille")
    SOCIAL_MEDIA = "social_media", _("Réseaux sociaux")
    OTHER = "other", _("Autre")


class Priority(models.IntegerChoices):
    NORMAL = 0, _("Normale")
    HIGH = 1, _("Haute")
    URGENT = 2, _("Urgente")


class JusticeDecision(models.TextChoices):
    PENDING = "pending", _("En attente")
    RETURN_AUTHORISED = "return_authorised", _("Retour autorisé")
    RETURN_REFUSED = "return_refused", _("Retour refusé")


class Case(VersionedModel):
    number = models.CharField(_("numéro de dossier"), max_length=32, unique=True)
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind": Organisation.Kind.IOM_OFFICE},
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent·e assigné·e"),
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        null=True,
        blank=True,
    )
    referral_source = models.CharField(
        _("comment la personne est venue"),
        max_length=20,
        choices=ReferralSource.choices,
        default=ReferralSource.WALK_IN,
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation référente"),
        on_delete=models.PROTECT,
        related_name="referred_cases",
        null=True,
        blank=True,
    )
    # A referral's reason becomes this when IOM accepts it.
    return_reason = models.TextField(
        _("motif du retour"),
        blank=True,
        help_text=_("Pourquoi la personne souhaite rentrer."),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    priority = models.IntegerField(_("priorité"), choices=Priority.choices, default=Priority.NORMAL)
    registered_on = models.DateField(_("date d'enregistrement"), default=timezone.localdate)
    assistance_started_on = models.DateField(_("début de l'assistance"), null=True, blank=True)
    ready_on = models.DateField(_("prêt au départ le"), null=True, blank=True)
    withdrawn_on = models.DateField(_("désistement le"), null=True, blank=True)
    # Set when the case departs (the departure app), or imported from a register.
    departed_on = models.DateField(_("parti le"), null=True, blank=True)
    travel_mode = models.CharField(
        _("mode de voyage"), max_length=8, choices=TravelMode.choices, blank=True
    )
    withdrawal_reason = models.TextField(_("motif du désistement"), blank=True)
    justice_decision = models.CharField(
        _("décision du ministère de la Justice"),
        max_length=20,
        choices=JusticeDecision.choices,
        blank=True,
        help_text=_("Procédure pour les mineurs non accompagnés ou séparés."),
    )
    justice_decision_on = models.DateField(_("date de la décision"), null=True, blank=True)
    justice_reference = models.CharField(
        _("référence de la décision"), max_length=100, blank=True, validators=[no_bidi_controls]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["office", "status", "-registered_on"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["-registered_on", "-id"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        # Cheaper than get_status_display() in a list of 50 rows.
        return str(CaseStatus(self.status).label)


class Sex(models.TextChoices):
    MALE = "M", _("Homme")
    FEMALE = "F", _("Femme")


class BirthDatePrecision(models.TextChoices):
    EXACT = "exact", _("Date exacte")
    YEAR = "year", _("Année seulement (estimée)")


class Relationship(models.TextChoices):
    PRINCIPAL = "principal", _("Demandeur·se principal·e")
    SPOUSE = "spouse", _("Conjoint·e")
    CHILD = "child", _("Enfant")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Frère ou sœur")
    OTHER = "other", _("Autre")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Célibataire")
    MARRIED = "married", _("Marié·e")
    DIVORCED = "divorced", _("Divorcé·e")
    WIDOWED = "widowed", _("Veuf·ve")
    SEPARATED = "separated", _("Séparé·e")


class EducationLevel(models.TextChoices):
    NONE = "none", _("Aucune")
    PRIMARY = "primary", _("Primaire")
    SECONDARY = "secondary", _("Secondaire")
    VOCATIONAL = "vocational", _("Formation professionnelle")
    HIGHER = "higher", _("Supérieur")


class DuplicateReview(models.TextChoices):
    NONE = "", _("Aucun doublon trouvé")
    PENDING = "pending", _("Doublon possible à examiner")
    LINKED = "linked", _("Lié à une personne connue")
    DISMISSED = "dismissed", _("Écarté : personne différente")


class Person(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="people")
    relationship = models.CharField(
        _("lien avec le demandeur principal"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.PRINCIPAL,
    )
    family_name = models.CharField(_("nom"), max_length=100, validators=[no_bidi_controls])
    given_name = models.CharField(_("prénom"), max_length=100, validators=[no_bidi_controls])
    family_name_ar = models.CharField(
        _("nom (arabe)"), max_length=100, blank=True, validators=[no_bidi_controls]
    )
    given_name_ar = models.CharField(
        _("prénom (arabe)"), max_length=100, blank=True, validators=[no_bidi_controls]
    )
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(
        _("date de naissance"),
        null=True,
        blank=True,
        help_text=_("Estimée quand seule l'année (le 1er juillet) ou l'âge est connu."),
    )
    birth_date_precision = models.CharField(
        _("précision de la date de naissance"),
        max_length=8,
        choices=BirthDatePrecision.choices,
        default=BirthDatePrecision.EXACT,
    )
    nationality = CountryField(_("nationalité"))
    country_of_return = CountryField(_("pays de retour"))
    phone = models.CharField(
        _("téléphone"), max_length=32, blank=True, validators=[no_bidi_controls]
    )
    languages = models.CharField(_("langues parlées"), max_length=200, blank=True)
    marital_status = models.CharField(
        _("situation familiale"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    education_level = models.CharField(
        _("niveau d'études"), max_length=12, choices=EducationLevel.choices, blank=True
    )
    occupation = models.CharField(_("profession"), max_length=100, blank=True)
    id_document_number = models.CharField(
        _("numéro de pièce d'identité"), max_length=50, blank=True, validators=[no_bidi_controls]
    )
    travel_document_number = models.CharField(
        _("numéro de document de voyage"), max_length=50, blank=True, validators=[no_bidi_controls]
    )
    # Accent-, case- and order-insensitive form of the names, for search and duplicates.
    name_key = models.CharField(max_length=220, editable=False, db_index=True)
    duplicate_review = models.CharField(
        _("doublon"), max_length=10, choices=DuplicateReview.choices, blank=True
    )
    linked_person = models.ForeignKey(
        "self",
        verbose_name=_("personne connue liée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_registrations",
    )
    is_remigration = models.BooleanField(
        _("re-migration"),
        default=False,
        help_text=_("Déjà retournée par le programme, et de nouveau enregistrée."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(relationship="principal"),
                name="one_principal_applicant_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["nationality", "case"], name="person_nationality_case"),
            models.Index(fields=["id_document_number"], name="person_id_document"),
            models.Index(fields=["travel_document_number"], name="person_travel_document"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()} {self.given_name}"

    @property
    def is_principal(self) -> bool:
        return self.relationship == Relationship.PRINCIPAL

    def age_on(self, day: date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, day)

    def is_minor_on(self, day: date) -> bool | None:
        age = self.age_on(day)
        return None if age is None else age < ADULT_AGE


class LinkRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente de l'autre bureau")
    CONFIRMED = "confirmed", _("Confirmé : même personne")
    DECLINED = "declined", _("Refusé : personne différente")


class DuplicateLinkRequest(models.Model):
    """A request to the office that knows a person to confirm that someone registered in
    another office is them. The requester does not see that office's case; its supervisors
    confirm or decline, and a confirmation links the two (re-migration included)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="link_requests")
    known_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=LinkRequestStatus.choices,
        default=LinkRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de lien entre bureaux")
        verbose_name_plural = _("demandes de lien entre bureaux")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "known_person"], name="one_link_request_per_pair"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.known_person}"


class VulnerabilityCode(models.TextChoices):
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Mineur non accompagné")
    SEPARATED_CHILD = "separated_child", _("Enfant séparé")
    SINGLE_PARENT = "single_parent", _("Parent isolé")
    TRAFFICKING_VICTIM = "trafficking_victim", _("Victime de traite")
    MEDICAL_CONDITION = "medical_condition", _("Problème de santé")
    DISABILITY = "disability", _("Handicap")
    ELDERLY = "elderly", _("Personne âgée")
    GBV_SURVIVOR = "gbv_survivor", _("Survivant·e de violences basées sur le genre")
    PREGNANT = "pregnant", _("Femme enceinte")


UNACCOMPANIED_CODES = frozenset(
    {VulnerabilityCode.UNACCOMPANIED_MINOR, VulnerabilityCode.SEPARATED_CHILD}
)


class Vulnerability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerabilities")
    # The person's case, repeated so that "cases with a vulnerability" needs no join.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("vulnérabilité"), max_length=24, choices=VulnerabilityCode.choices)

    class Meta:
        verbose_name = _("vulnérabilité")
        verbose_name_plural = _("vulnérabilités")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "code"], name="one_vulnerability_code_per_person"
            )
        ]
        indexes = [models.Index(fields=["code", "case"])]

    def __str__(self) -> str:
        return self.get_code_display()


class CounsellingSession(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="counselling_sessions")
    held_on = models.DateField(_("date"))
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseiller·ère"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    topics = models.TextField(_("sujets abordés"))
    interpreter_language = models.CharField(_("langue de l'interprète"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("séance de conseil")
        verbose_name_plural = _("séances de conseil")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored names never carry the person's name that the original file name may hold.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IDENTITY_DOCUMENT = "identity_document", _("Pièce d'identité")
        TRAVEL_DOCUMENT = "travel_document", _("Document de voyage")
        DECLARATION = "declaration", _("Déclaration de retour volontaire signée")
        PHOTO = "photo", _("Photo")
        MEDICAL = "medical", _("Document médical")
        OTHER = "other", _("Autre")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attachments", null=True, blank=True
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("fichier"), upload_to=attachment_path)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    document_date = models.DateField(_("date du document"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ReturnDeclaration(models.Model):
    """The signed voluntary return declaration. A withdrawal never deletes it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="declarations")
    signed_on = models.DateField(_("signée le"))
    signatory = models.ForeignKey(
        Person,
        verbose_name=_("personne"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    guardian_name = models.CharField(
        _("tuteur·rice signataire"),
        max_length=200,
        blank=True,
        validators=[no_bidi_controls],
        help_text=_("Obligatoire quand la personne est mineure."),
    )
    scan = models.OneToOneField(
        Attachment, verbose_name=_("scan signé"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration de retour volontaire")
        verbose_name_plural = _("déclarations de retour volontaire")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.signed_on:%Y-%m-%d}"


class AssistanceKind(models.TextChoices):
    FOOD_KIT = "food_kit", _("Kit alimentaire")
    HYGIENE_KIT = "hygiene_kit", _("Kit d'hygiène")
    PURCHASE_VOUCHER = "purchase_voucher", _("Bon d'achat")
    MEDICAL_CARE = "medical_care", _("Soins médicaux")
    PSYCHOSOCIAL_SUPPORT = "psychosocial_support", _("Soutien psychosocial")
    ACCOMMODATION = "accommodation", _("Hébergement")
    TRANSPORT = "transport", _("Transport")
    NON_FOOD_ITEMS = "non_food_items", _("Articles non alimentaires")
    ADMINISTRATIVE_SUPPORT = "administrative_support", _("Appui administratif ou consulaire")
    PRE_DEPARTURE_SESSION = "pre_departure_session", _("Session pré-départ")
    VOCATIONAL_ORIENTATION = "vocational_orientation", _("Orientation professionnelle")


class Distribution(models.Model):
    """A distribution day: the same assistance given to many people at once."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type d'assistance"), max_length=24, choices=AssistanceKind.choices)
    given_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journée de distribution")
        verbose_name_plural = _("journées de distribution")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on:%Y-%m-%d}"


# Nothing given is not an assistance: the pages, the API and the service say so alike.
QUANTITY_MESSAGE = _("La quantité est d'au moins 1.")


class Assistance(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assistance")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assistance")
    kind = models.CharField(_("type d'assistance"), max_length=24, choices=AssistanceKind.choices)
    given_on = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(
        _("quantité"), default=1, validators=[MinValueValidator(1, QUANTITY_MESSAGE)]
    )
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, blank=True)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation prestataire"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, related_name="assistance", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistances")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["given_on", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | ~Q(currency=""),
                name="assistance_value_has_currency",
                violation_error_message=_("Une valeur doit avoir une devise."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on:%Y-%m-%d}"


class SensitiveNote(models.Model):
    """Medical, psychosocial or trafficking notes: seen by the case's caseworker,
    supervisors and administrators only."""

    class Kind(models.TextChoices):
        MEDICAL = "medical", _("Médicale")
        PSYCHOSOCIAL = "psychosocial", _("Psychosociale")
        TRAFFICKING = "trafficking", _("Traite")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sensitive_notes")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note sensible")
        verbose_name_plural = _("notes sensibles")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()
