"""Demo referrals: the demo NGOs refer households to the demo offices, in every status.

Every record goes through `cases.referrals.services` (an accepted referral opens its case
through `referral_accept`), so validation, triage rules and the audit trail are the real
ones. The households come from the case demo's builder with a seed of their own, so the
data are reproducible. A referral whose case has departed is not among them: no case can
reach `departed` until the departure phase exists.

Runs after `cases.demo.demo_cases_load` (`cases` comes before `cases.referrals` in
INSTALLED_APPS, so its loader is registered first): that loader creates nothing once the
demo offices have a case, and the accepted referrals open some.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.demo import (
    DEMO_OFFICE_CODES,
    OUJDA_CASEWORKER,
    RABAT_CASEWORKER,
    SEED,
    DemoCaseBuilder,
    declaration_pdf,
    demo_user_ensure,
)
from cases.models import Attachment, VulnerabilityCode
from cases.referrals import services
from cases.referrals.models import Referral, ReferralStatus, Urgency

REFERRALS_SEED = SEED + 2
DEMO_NGO_CODES = ("ASM", "CAO")
ASM_REFERRER = "ong.asm"  # one of `avrr.demo`'s users
CAO_REFERRER = ("ong.cao", "Rachid", "Benali")
CONSENT_TAKEN_BY = {"ASM": "Fatou Diallo", "CAO": "Rachid Benali"}

V = VulnerabilityCode
S = ReferralStatus


@dataclass(frozen=True)
class DemoReferral:
    ngo: str
    office: str
    household: str  # a kind of `cases.demo.HOUSEHOLD_WEIGHTS`
    nationality: str
    status: ReferralStatus
    reason: str
    urgency: int = Urgency.NORMAL
    codes: tuple[str, ...] = ()  # the principal's vulnerabilities, beyond those drawn
    decline_reason: str = ""


REFERRALS = (
    DemoReferral(
        "ASM", "RBA", "single_woman", "NG", S.SUBMITTED,
        "Victime présumée de traite, hébergée par l'association depuis deux semaines. "
        "Souhaite rentrer auprès de sa mère.",
        Urgency.URGENT, (V.TRAFFICKING_VICTIM,),
    ),
    DemoReferral(
        "ASM", "RBA", "single_man", "GN", S.SUBMITTED,
        "Sans travail ni logement depuis l'hiver ; souhaite rentrer à Conakry et reprendre "
        "l'atelier de couture de son oncle.",
    ),
    DemoReferral(
        "CAO", "OUJ", "unaccompanied_minor", "ML", S.SUBMITTED,
        "Mineur rencontré à la gare routière d'Oujda, accueilli au foyer de l'association. "
        "Demande à rejoindre sa famille à Kayes.",
        Urgency.URGENT,
    ),
    DemoReferral(
        "ASM", "RBA", "single_mother", "CI", S.UNDER_REVIEW,
        "Mère seule avec ses enfants, sans ressources ; les enfants ne sont plus scolarisés. "
        "Souhaite rentrer à Abidjan auprès de sa sœur.",
        Urgency.HIGH,
    ),
    DemoReferral(
        "ASM", "RBA", "single_man", "CM", S.UNDER_REVIEW,
        "Blessé au pied lors d'une tentative de passage, soigné par l'association. Demande "
        "le retour au Cameroun.",
        Urgency.HIGH, (V.MEDICAL_CONDITION,),
    ),
    DemoReferral(
        "CAO", "OUJ", "couple", "GM", S.UNDER_REVIEW,
        "Couple arrivé par la frontière est, hébergé par l'association. Souhaite rentrer en "
        "Gambie.",
    ),
    DemoReferral(
        "ASM", "RBA", "single_man", "SN", S.ACCEPTED,
        "Souhaite rentrer à Thiès ; a perdu son passeport, garde une copie de sa carte "
        "d'identité.",
    ),
    DemoReferral(
        "ASM", "RBA", "couple_children", "CD", S.ACCEPTED,
        "Famille hébergée par l'association depuis un mois, sans ressources. Souhaite "
        "rentrer à Kinshasa.",
        Urgency.HIGH,
    ),
    DemoReferral(
        "CAO", "OUJ", "single_man", "CG", S.ACCEPTED,
        "Souhaite rentrer à Brazzaville auprès de ses parents ; dit ne plus pouvoir vivre "
        "dans la forêt près de la frontière.",
    ),
    DemoReferral(
        "ASM", "RBA", "single_man", "ML", S.DECLINED,
        "Souhaite rentrer au Mali ; a déjà rencontré l'OIM l'an dernier.",
        decline_reason="La personne a déjà un dossier ouvert dans notre bureau : "
        "l'assistance se poursuit dans ce dossier.",
    ),
    DemoReferral(
        "CAO", "OUJ", "single_man", "GN", S.DECLINED,
        "Souhaite rentrer en Guinée ; joignable par l'association.",
        decline_reason="Le numéro de contact ne répond plus et la personne ne s'est pas "
        "présentée au rendez-vous : référez-la de nouveau quand elle sera joignable.",
    ),
    DemoReferral(
        "ASM", "RBA", "single_man", "CI", S.WITHDRAWN,
        "Souhaite rentrer à Bouaké ; sa famille l'attend.",
    ),
    DemoReferral(
        "CAO", "OUJ", "single_woman", "CM", S.WITHDRAWN,
        "Souhaite rentrer à Douala ; hébergée par une compatriote.",
    ),
)  # fmt: skip


def _referral_data(
    builder: DemoCaseBuilder, spec: DemoReferral, office: Organisation, today: date
) -> services.ReferralData:
    people = builder.household(spec.nationality, spec.household, today)
    people[0].vulnerabilities = sorted({*people[0].vulnerabilities, *spec.codes})
    consent = declaration_pdf(
        [
            "Consentement au partage des donnees avec l'OIM",
            f"{people[0].family_name.upper()} {people[0].given_name}",
            f"Recueilli par {CONSENT_TAKEN_BY[spec.ngo]}",
        ]
    )
    return services.ReferralData(
        office=office,
        people=[
            services.ReferredPersonData(
                family_name=person.family_name,
                given_name=person.given_name,
                sex=person.sex,
                nationality=person.nationality,
                relationship=person.relationship,
                birth_date=person.birth_date,
                age=person.age,
                languages=person.languages,
                vulnerabilities=person.vulnerabilities,
            )
            for person in people
        ],
        reason=spec.reason,
        consent_given_on=today - timedelta(days=builder.rng.randint(1, 10)),
        consent_taken_by=CONSENT_TAKEN_BY[spec.ngo],
        urgency=spec.urgency,
        contact_phone=people[0].phone,
        attachments=[
            (
                Attachment.Kind.OTHER,
                SimpleUploadedFile("consentement.pdf", consent, content_type="application/pdf"),
            )
        ],
    )


def _triage(referral: Referral, spec: DemoReferral, *, referrer: User, triager: User) -> None:
    """Take the referral from `submitted` to the status of its spec."""
    if spec.status == S.WITHDRAWN:
        services.referral_withdraw(actor=referrer, referral=referral)
    if spec.status in {S.UNDER_REVIEW, S.ACCEPTED, S.DECLINED}:
        referral = services.referral_review_start(actor=triager, referral=referral)
    if spec.status == S.ACCEPTED:
        services.referral_accept(actor=triager, referral=referral)
    if spec.status == S.DECLINED:
        services.referral_decline(actor=triager, referral=referral, reason=spec.decline_reason)


def demo_referrals_load() -> str:
    """Submit and triage the demo referrals once; a second run creates nothing."""
    organisations = Organisation.objects.in_bulk(
        [*DEMO_OFFICE_CODES, *DEMO_NGO_CODES], field_name="code"
    )
    users = User.objects.in_bulk([ASM_REFERRER, RABAT_CASEWORKER], field_name="username")
    if len(organisations) < 4 or len(users) < 2:
        return "Demo referrals: demo organisations or users missing, no referral created."
    existing = Referral.objects.filter(organisation__code__in=DEMO_NGO_CODES).count()
    if existing:
        return (
            f"Demo referrals: {existing} referrals from the demo NGOs already exist, none created."
        )
    today = timezone.localdate()
    builder = DemoCaseBuilder(today, seed=REFERRALS_SEED)
    # Each status change e-mails the NGO once the transaction commits. Without a worker (as
    # in `make run`) the task runs in this process, where the console backend would print all
    # fifteen e-mails among the demo logins: they are recorded as sent, and go nowhere. (With
    # REDIS_URL, a worker sends them with its own settings.)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        cao, created = demo_user_ensure(CAO_REFERRER, Role.NGO_REFERRER, organisations["CAO"])
        oujda, _ = demo_user_ensure(OUJDA_CASEWORKER, Role.CASEWORKER, organisations["OUJ"])
        referrers = {"ASM": users[ASM_REFERRER], "CAO": cao}
        triagers = {"RBA": users[RABAT_CASEWORKER], "OUJ": oujda}
        for spec in REFERRALS:
            data = _referral_data(builder, spec, organisations[spec.office], today)
            referral, _ = services.referral_submit(actor=referrers[spec.ngo], data=data)
            _triage(referral, spec, referrer=referrers[spec.ngo], triager=triagers[spec.office])
    statuses = Counter(spec.status for spec in REFERRALS)
    counts = ", ".join(f"{count} {status.value}" for status, count in statuses.items())
    note = f"; referrer {cao.username} created (set its password in the admin)" if created else ""
    return f"Demo referrals: {len(REFERRALS)} referrals from 2 NGOs ({counts}){note}."
