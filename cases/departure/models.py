"""Phase 2 records: what a person travels on, who pays the ticket, how and when they go.

- Travel documents: a person's passport or consular laissez-passer (`TravelDocument`); the
  request of a laissez-passer to an embassy (`LpcRequest`), embassies being reference data
  (`Embassy`).
- Funding: agreements (`FundingAgreement`, with `FundingAmendment`s adding quota or budget)
  from which each ticket reserves one unit and its cost (`FundingReservation`), under a
  lock of the agreement's row so that concurrent bookings never overspend.
- Movements: a journey several cases make together (`Movement`, its `Leg`s), a `Ticket` per
  traveller, the police's exit authorisation (`ExitAuthorisation`), and the departure-day
  checklist (`DepartureCheck`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from avrr.models import Organisation
from avrr.texts import no_bidi_controls
from cases.models import Case, Person, TravelMode

# Travel documents ---------------------------------------------------------------------


class Embassy(models.Model):
    """An embassy or consulate in Morocco that identifies its nationals and issues
    laissez-passer. Reference data an administrator keeps."""

    class Kind(models.TextChoices):
        EMBASSY = "embassy", _("Ambassade")
        CONSULATE = "consulate", _("Consulat")

    class LetterLanguage(models.TextChoices):
        FRENCH = "fr", _("Français")
        ENGLISH = "en", _("Anglais")

    country = CountryField(_("pays représenté"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.EMBASSY)
    city = models.CharField(_("ville"), max_length=100)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    contact_name = models.CharField(_("personne de contact"), max_length=100, blank=True)
    letter_language = models.CharField(
        _("langue des lettres"),
        max_length=2,
        choices=LetterLanguage.choices,
        default=LetterLanguage.FRENCH,
        help_text=_("Les lettres vont en anglais aux représentations de pays anglophones."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ambassade ou consulat")
        verbose_name_plural = _("ambassades et consulats")
        ordering = ["country", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "city"], name="one_representation_per_city"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.country.name} ({self.city})"


class TravelDocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passeport")
    LPC = "lpc", _("Laissez-passer consulaire")


class TravelDocument(models.Model):
    """What a person travels on. A laissez-passer is valid for a single journey."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="travel_documents")
    kind = models.CharField(_("type"), max_length=10, choices=TravelDocumentKind.choices)
    number = models.CharField(_("numéro"), max_length=50, validators=[no_bidi_controls])
    issuing_country = CountryField(_("pays de délivrance"))
    issued_on = models.DateField(_("délivré le"), null=True, blank=True)
    expires_on = models.DateField(_("expire le"))
    copy_held = models.BooleanField(_("copie conservée par l'OIM"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document de voyage")
        verbose_name_plural = _("documents de voyage")
        ordering = ["-expires_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "issuing_country", "number"], name="one_document_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class LpcStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    INTERVIEW = "interview", _("Entretien prévu")
    ISSUED = "issued", _("Délivré")
    REFUSED = "refused", _("Refusé")
    EXPIRED = "expired", _("Expiré")


class LpcRequest(models.Model):
    """A laissez-passer asked of the embassy for one person, after an identification
    interview. Once issued, the laissez-passer is the person's `TravelDocument`."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lpc_requests")
    embassy = models.ForeignKey(Embassy, on_delete=models.PROTECT, related_name="lpc_requests")
    status = models.CharField(
        _("statut"), max_length=10, choices=LpcStatus.choices, default=LpcStatus.REQUESTED
    )
    requested_on = models.DateField(_("demandé le"))
    interview_on = models.DateField(_("entretien le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    document = models.OneToOneField(
        TravelDocument,
        verbose_name=_("laissez-passer délivré"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lpc_request",
    )
    status_changed_on = models.DateField(_("statut changé le"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("demande de laissez-passer")
        verbose_name_plural = _("demandes de laissez-passer")
        ordering = ["requested_on", "pk"]
        indexes = [models.Index(fields=["status", "requested_on"])]

    def __str__(self) -> str:
        return f"LPC {self.person} ({self.get_status_display()})"


# Funding ------------------------------------------------------------------------------


class FundingCovers(models.TextChoices):
    TICKETS = "tickets", _("Billets")
    PER_DIEM = "per_diem", _("Pécule")
    BOTH = "both", _("Billets et pécule")


class FundingAgreement(models.Model):
    """An agreement that pays tickets (and/or per diem): a quota of tickets and/or a budget,
    for a period. Amendments add to both. `tickets_reserved` and `budget_reserved` are kept
    by the funding services under a lock of this row, so that two bookings of the last
    ticket cannot both succeed."""

    funder = models.ForeignKey(
        Organisation, verbose_name=_("bailleur"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("référence"), max_length=50, unique=True)
    title = models.CharField(_("intitulé"), max_length=200)
    covers = models.CharField(_("prend en charge"), max_length=10, choices=FundingCovers.choices)
    ticket_quota = models.PositiveIntegerField(
        _("quota de billets"),
        null=True,
        blank=True,
        help_text=_("Avenants compris ; vide : pas de quota, seulement un budget."),
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Avenants compris ; vide : pas de budget, seulement un quota."),
    )
    currency = models.CharField(_("devise"), max_length=3)
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    tickets_reserved = models.PositiveIntegerField(_("billets réservés"), default=0)
    budget_reserved = models.DecimalField(
        _("budget réservé"), max_digits=14, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("accord de financement")
        verbose_name_plural = _("accords de financement")
        ordering = ["-valid_from", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket_quota__isnull=False) | Q(budget__isnull=False),
                name="agreement_has_quota_or_budget",
            ),
            models.CheckConstraint(
                condition=Q(ticket_quota__isnull=True)
                | Q(tickets_reserved__lte=models.F("ticket_quota")),
                name="agreement_quota_never_overspent",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget_reserved__lte=models.F("budget")),
                name="agreement_budget_never_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class FundingAmendment(models.Model):
    """Quota or budget added to an agreement on a date (the 2014, 2015, 2016 amendments)."""

    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.PROTECT, related_name="amendments"
    )
    reference = models.CharField(_("référence"), max_length=50)
    signed_on = models.DateField(_("signé le"))
    added_tickets = models.PositiveIntegerField(_("billets ajoutés"), default=0)
    added_budget = models.DecimalField(
        _("budget ajouté"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["signed_on", "pk"]

    def __str__(self) -> str:
        return self.reference


class FundingReservation(models.Model):
    """One ticket's unit of an agreement's quota and its cost of the budget, reserved when
    the ticket is booked and given back (`released_at`) when it is cancelled or unused."""

    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.PROTECT, related_name="reservations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cost = models.DecimalField(
        _("coût"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    reserved_at = models.DateTimeField(auto_now_add=True)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Booked before someone earlier on the waiting list: why.
    out_of_order_reason = models.TextField(_("motif hors de l'ordre de la liste"), blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(_("motif de la restitution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("réservation sur un accord")
        verbose_name_plural = _("réservations sur des accords")
        ordering = ["-reserved_at", "-pk"]
        indexes = [models.Index(fields=["agreement", "reserved_at"])]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.person}"


# Movements ----------------------------------------------------------------------------


class MovementStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    DEPARTED = "departed", _("Parti")
    CANCELLED = "cancelled", _("Annulé")


class Movement(models.Model):
    """A journey that several cases make together: one flight (or bus) or a connection."""

    office = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    mode = models.CharField(_("mode de voyage"), max_length=8, choices=TravelMode.choices)
    destination_country = CountryField(_("pays de destination"))
    status = models.CharField(
        _("statut"), max_length=10, choices=MovementStatus.choices, default=MovementStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mouvement")
        verbose_name_plural = _("mouvements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class Leg(models.Model):
    """One flight or bus of a movement. Times are aware; each end keeps its own time zone
    (IANA name), for the manifest and the mission abroad."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="legs")
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    origin = models.CharField(_("de"), max_length=100)
    destination = models.CharField(_("à"), max_length=100)
    carrier = models.CharField(_("transporteur"), max_length=100)
    number = models.CharField(_("numéro de vol ou de car"), max_length=20)
    departs_at = models.DateTimeField(_("départ"))
    departure_time_zone = models.CharField(_("fuseau horaire du départ"), max_length=64)
    arrives_at = models.DateTimeField(_("arrivée"))
    arrival_time_zone = models.CharField(_("fuseau horaire de l'arrivée"), max_length=64)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["movement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "order"], name="one_leg_per_order"),
            models.CheckConstraint(
                condition=Q(arrives_at__gt=models.F("departs_at")), name="leg_arrives_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.number}: {self.origin} → {self.destination}"


class SpecialNeed(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Fauteuil roulant")
    MEDICAL_ESCORT = "medical_escort", _("Escorte médicale")
    MINOR_ESCORT = "minor_escort", _("Mineur non accompagné avec escorte")
    PREGNANCY = "pregnancy", _("Grossesse")


class TicketStatus(models.TextChoices):
    BOOKED = "booked", _("Réservé")
    USED = "used", _("Utilisé")
    CANCELLED = "cancelled", _("Annulé")
    NO_SHOW = "no_show", _("Non présenté")


class Ticket(models.Model):
    """A traveller's place on a movement, paid from an agreement (its reservation)."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="tickets")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tickets")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(_("numéro de billet"), max_length=30, blank=True)
    cost = models.DecimalField(
        _("coût"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("devise"), max_length=3)
    reservation = models.OneToOneField(
        FundingReservation, on_delete=models.PROTECT, related_name="ticket"
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.BOOKED
    )
    special_needs = models.JSONField(_("besoins particuliers"), default=list, blank=True)
    escort = models.CharField(_("escorte"), max_length=100, blank=True)
    status_reason = models.TextField(_("motif"), blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("billet")
        verbose_name_plural = _("billets")
        ordering = ["movement", "case", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="booked"),
                name="one_booked_ticket_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.movement.reference}: {self.person}"


class ExitAuthorisation(models.Model):
    """The police's record (PV) authorising a traveller to leave Morocco, made on the ticket
    and the travel document."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, related_name="exit_authorisation"
    )
    pv_number = models.CharField(_("numéro du PV"), max_length=50)
    issued_on = models.DateField(_("établi le"))
    police_station = models.CharField(_("commissariat"), max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("autorisation de sortie")
        verbose_name_plural = _("autorisations de sortie")

    def __str__(self) -> str:
        return self.pv_number


class DepartureCheck(models.Model):
    """The departure day of one traveller, step by step, ending at the border post."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="departure_check")
    escorted_by = models.CharField(_("accompagné·e à l'aéroport par"), max_length=100, blank=True)
    baggage_checked_in = models.BooleanField(
        _("bagages enregistrés, carte d'embarquement"), default=False
    )
    currency_exchanged = models.BooleanField(_("change effectué"), default=False)
    per_diem_amount = models.DecimalField(
        _("pécule remis"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    per_diem_currency = models.CharField(_("devise du pécule"), max_length=3, blank=True)
    per_diem_receipt_signed = models.BooleanField(_("reçu du pécule signé"), default=False)
    reintegration_documents_signed = models.BooleanField(
        _("documents de réintégration signés"), default=False
    )
    border_passed = models.BooleanField(_("poste frontière passé"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jour du départ")
        verbose_name_plural = _("jours du départ")

    def __str__(self) -> str:
        return str(self.ticket)
