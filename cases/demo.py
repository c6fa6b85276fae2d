"""Demo cases for the demo offices: a few hundred households in the programme's proportions.

Every record goes through `cases.services` with a demo caseworker as actor, so validation,
workflow guards and the audit trail are the real ones. A fixed seed makes the data
reproducible; dates are drawn as days before the day the loader runs.

Proportions follow the programme's figures (shared DOMAIN.md): mostly single men of 21-30,
over 10% women and over 4% minors, some single mothers with children, a few unaccompanied
minors with the Ministry of Justice procedure, the main West and Central African
nationalities plus the Philippines and Sudan. Beside the cases: each office's distribution
days, and sensitive notes where a person's vulnerability calls for one.
"""

import dataclasses
import random
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Protocol, TypeVar, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from avrr.models import Organisation, User
from avrr.roles import Role
from avrr.services import user_create
from cases import access, selectors, services
from cases.models import (
    AssistanceKind,
    Case,
    CaseStatus,
    DuplicateReview,
    EducationLevel,
    JusticeDecision,
    MaritalStatus,
    Person,
    Priority,
    ReferralSource,
    Relationship,
    SensitiveNote,
    Sex,
    Vulnerability,
    VulnerabilityCode,
)
from cases.services import PersonData

SEED = 20240611
CASE_COUNT = 300
RETURNING_APPLICANTS = 3  # people who withdrew and later registered again (duplicates)
HISTORY_DAYS = 548  # about 18 months
DEMO_OFFICE_CODES = ("RBA", "OUJ")
OUJDA_CASEWORKER = ("agent.oujda", "Hamza", "Berrada")
RABAT_CASEWORKER = "agent.rabat"
RABAT_SUPERVISOR = "superviseur.rabat"

V = VulnerabilityCode
T = TypeVar("T")


class Give(Protocol):
    """Records one assistance to a person (`DemoCaseWriter.give` with its actor and period)."""

    def __call__(self, person: Person, kind: str, **assistance: Any) -> None: ...


@dataclass(frozen=True)
class NameBook:
    family: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    languages: tuple[str, ...]
    interpreter: tuple[str, ...] = ()


NAMES: dict[str, NameBook] = {
    "GN": NameBook(
        family=(
            "Diallo", "Bah", "Barry", "Sow", "Camara", "Condé", "Keïta", "Soumah", "Sylla",
            "Touré", "Baldé", "Kouyaté", "Cissé", "Konaté", "Bangoura", "Doumbouya", "Kaba",
            "Fofana", "Kourouma", "Millimono",
        ),
        male=(
            "Mamadou", "Alpha", "Ibrahima", "Ousmane", "Abdoulaye", "Thierno", "Sékou",
            "Amadou", "Mohamed", "Boubacar", "Alseny", "Lansana", "Mamadi", "Saliou", "Souleymane",
        ),
        female=(
            "Mariama", "Fatoumata", "Aïssatou", "Kadiatou", "Hawa", "Binta", "Oumou", "Fanta",
            "M'Mah", "Djénabou", "Hadja", "Nènè",
        ),
        languages=("Peul, Français", "Soussou, Français", "Malinké, Français", "Peul"),
        interpreter=("Peul", "Soussou", "Malinké"),
    ),
    "CI": NameBook(
        family=(
            "Kouassi", "Koffi", "Konan", "Yao", "N'Guessan", "Kouamé", "Ouattara", "Coulibaly",
            "Bamba", "Koné", "Diomandé", "Zadi", "Séri", "Tapé", "Yapi", "Gnahoré", "Aka",
            "Brou",
        ),
        male=(
            "Adama", "Souleymane", "Yves", "Hervé", "Christian", "Ange", "Wilfried", "Kader",
            "Moussa", "Arnaud", "Serge", "Franck", "Jean-Marc", "Lassina", "Fulgence",
        ),
        female=(
            "Aya", "Affoué", "Adjoua", "Marie-Claire", "Christelle", "Mariam", "Awa", "Prisca",
            "Estelle", "Amenan", "Bintou",
        ),
        languages=("Français, Dioula", "Français, Baoulé", "Français", "Français, Bété"),
        interpreter=("Dioula",),
    ),
    "SN": NameBook(
        family=(
            "Ndiaye", "Diop", "Fall", "Sarr", "Faye", "Gueye", "Sy", "Ba", "Mbaye", "Seck",
            "Diouf", "Niang", "Thiam", "Dieng", "Kane", "Sène",
        ),
        male=(
            "Moussa", "Cheikh", "Modou", "Pape", "Abdou", "Ousmane", "Mamadou", "Ibrahima",
            "Babacar", "Serigne", "Aliou", "Saliou", "Lamine", "Malick",
        ),
        female=(
            "Fatou", "Aminata", "Awa", "Khady", "Ndeye", "Coumba", "Mame Diarra", "Astou",
            "Rokhaya", "Sokhna", "Dieynaba",
        ),
        languages=("Wolof, Français", "Wolof, Peul", "Wolof", "Sérère, Wolof"),
        interpreter=("Wolof",),
    ),
    "CM": NameBook(
        family=(
            "Mbarga", "Essomba", "Fotso", "Tchoupo", "Ngono", "Kamga", "Nguemo", "Onana",
            "Atangana", "Tchinda", "Djomo", "Manga", "Nana", "Tagne", "Kengne", "Mballa",
            "Owona", "Abena",
        ),
        male=(
            "Jean-Paul", "Brice", "Landry", "Hervé", "Patrick", "Arnold", "Cyrille", "Boris",
            "Joël", "Rodrigue", "Stéphane", "Aboubakar", "Franck", "Ulrich",
        ),
        female=(
            "Nadège", "Carine", "Flore", "Sandrine", "Mireille", "Brigitte", "Larissa", "Vanessa",
            "Laure", "Armelle",
        ),
        languages=("Français", "Français, Anglais", "Anglais, Pidgin", "Français, Ewondo"),
    ),
    "ML": NameBook(
        family=(
            "Traoré", "Keïta", "Coulibaly", "Diarra", "Konaté", "Sissoko", "Doumbia", "Dembélé",
            "Sangaré", "Maïga", "Cissé", "Diakité", "Sidibé", "Kanté", "Fofana", "Samaké",
        ),
        male=(
            "Moussa", "Seydou", "Bakary", "Drissa", "Souleymane", "Oumar", "Adama", "Modibo",
            "Boubacar", "Issa", "Lassana", "Siaka", "Mahamadou",
        ),
        female=(
            "Aminata", "Kadidia", "Mariam", "Oumou", "Rokia", "Assitan", "Fanta", "Djeneba",
            "Salimata", "Nana",
        ),
        languages=("Bambara, Français", "Bambara", "Soninké, Bambara", "Songhaï, Bambara"),
        interpreter=("Bambara", "Soninké"),
    ),
    "CG": NameBook(
        family=(
            "Mabiala", "Malonga", "Moukala", "Nkounkou", "Ngoma", "Bouanga", "Massamba",
            "Loubaki", "Samba", "Mavoungou", "Itoua", "Okemba", "Mabanza", "Mouanda",
        ),
        male=(
            "Merveil", "Exaucé", "Chancel", "Destin", "Rodrigue", "Fabrice", "Jordy",
            "Bienvenu", "Guy-Noël", "Aimé", "Prince", "Christ",
        ),
        female=("Grâce", "Merveille", "Divine", "Ornella", "Nelly", "Gloire", "Précieuse"),
        languages=("Lingala, Français", "Kituba, Français", "Français"),
    ),
    "NG": NameBook(
        family=(
            "Okafor", "Okonkwo", "Eze", "Nwosu", "Adeyemi", "Ogunleye", "Oladipo", "Balogun",
            "Bello", "Abubakar", "Okoro", "Obi", "Adebayo", "Osagie", "Igbinedion", "Chukwu",
        ),
        male=(
            "Chinedu", "Emeka", "Tunde", "Segun", "Ifeanyi", "Uche", "Kelechi", "Samuel",
            "Daniel", "Godwin", "Musa", "Sunday", "Osas",
        ),
        female=(
            "Blessing", "Joy", "Precious", "Chioma", "Ngozi", "Favour", "Esther", "Gift",
            "Funmilayo", "Osaretin", "Faith",
        ),
        languages=("Anglais, Igbo", "Anglais, Yoruba", "Anglais, Haoussa", "Anglais, Edo"),
        interpreter=("Anglais",),
    ),
    "CD": NameBook(
        family=(
            "Mbuyi", "Kabamba", "Tshibanda", "Ilunga", "Mutombo", "Kalala", "Mukendi", "Lukusa",
            "Nsimba", "Kanku", "Ngalula", "Mwamba", "Kasongo", "Lumbala",
        ),
        male=(
            "Patient", "Dieudonné", "Glody", "Héritier", "Jonathan", "Trésor", "Fiston",
            "Christian", "Junior", "Blaise", "Gloire",
        ),
        female=("Nathalie", "Mamie", "Ruth", "Gracia", "Esther", "Sarah", "Bénédicte", "Chantal"),
        languages=("Lingala, Français", "Swahili, Français", "Tshiluba, Français"),
    ),
    "GM": NameBook(
        family=(
            "Jallow", "Ceesay", "Touray", "Sanneh", "Bojang", "Darboe", "Drammeh", "Sowe",
            "Njie", "Manneh", "Jobe", "Colley", "Badjie", "Sillah",
        ),
        male=(
            "Lamin", "Ebrima", "Modou", "Alieu", "Omar", "Bakary", "Momodou", "Sulayman",
            "Yusupha", "Musa", "Babucarr",
        ),
        female=("Isatou", "Fatou", "Mariama", "Awa", "Haddy", "Ndey", "Kaddy", "Binta"),
        languages=("Anglais, Mandinka", "Anglais, Wolof", "Anglais, Peul", "Mandinka"),
        interpreter=("Anglais", "Mandinka"),
    ),
    "PH": NameBook(
        family=(
            "Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Ramos",
            "Villanueva", "Aquino", "Castillo", "Flores", "Navarro", "Gonzales",
        ),
        male=("Jose", "Mark Anthony", "Rodel", "Ramon", "Arnel", "Reynaldo", "Jayson"),
        female=(
            "Maria Lourdes", "Rowena", "Marites", "Jocelyn", "Analyn", "Cristina", "Rosalie",
            "Mylene", "Jennifer", "Grace", "Lorna",
        ),
        languages=("Tagalog, Anglais", "Cebuano, Anglais", "Tagalog"),
        interpreter=("Anglais",),
    ),
    "SD": NameBook(
        family=(
            "Mohamed", "Ahmed", "Abdallah", "Osman", "Ibrahim", "Adam", "Ali", "Hassan",
            "Yousif", "Abakar", "Idriss", "Ismail", "Elnour", "Babiker",
        ),
        male=(
            "Mohamed", "Ahmed", "Abdelrahman", "Mustafa", "Omer", "Khalid", "Adam", "Hamid",
            "Musa", "Yasir", "Elsadig",
        ),
        female=("Fatima", "Amna", "Hawa", "Mariam", "Zeinab", "Khadija", "Asha", "Safaa"),
        languages=("Arabe", "Arabe, Four", "Arabe, Massalit", "Arabe, Zaghawa"),
    ),
    "BF": NameBook(
        family=(
            "Ouédraogo", "Sawadogo", "Compaoré", "Kaboré", "Zongo", "Ilboudo", "Nikiéma",
            "Tapsoba", "Zoungrana",
        ),
        male=("Issouf", "Boukary", "Salif", "Hamidou", "Rasmané", "Abdoul Aziz", "Inoussa"),
        female=("Awa", "Salamata", "Rasmata", "Aïcha", "Mariam", "Alimata"),
        languages=("Mooré, Français", "Dioula, Français", "Mooré"),
        interpreter=("Mooré",),
    ),
    "SL": NameBook(
        family=("Kamara", "Sesay", "Conteh", "Bangura", "Koroma", "Kargbo", "Turay", "Mansaray"),
        male=("Mohamed", "Abu", "Alhaji", "Ibrahim", "Foday", "Sahr", "Osman"),
        female=("Fatmata", "Isatu", "Aminata", "Mariatu", "Hawa", "Kadiatu"),
        languages=("Krio, Anglais", "Temné, Krio", "Mendé, Krio"),
        interpreter=("Anglais",),
    ),
    "BJ": NameBook(
        family=("Houngbo", "Adjovi", "Dossou", "Agossou", "Hounkpatin", "Akpovi", "Gbaguidi"),
        male=("Comlan", "Sourou", "Gildas", "Rodrigue", "Arnaud", "Romaric"),
        female=("Reine", "Ghislaine", "Sènami", "Bernadette", "Rachidatou"),
        languages=("Fon, Français", "Yoruba, Français", "Français"),
    ),
}  # fmt: skip

# Arabic spellings for Sudanese names (the register keeps both scripts).
ARABIC: dict[str, str] = {
    "Mohamed": "محمد", "Ahmed": "أحمد", "Abdallah": "عبد الله", "Osman": "عثمان",
    "Ibrahim": "إبراهيم", "Adam": "آدم", "Ali": "علي", "Hassan": "حسن", "Yousif": "يوسف",
    "Abakar": "أبكر", "Idriss": "إدريس", "Ismail": "إسماعيل", "Elnour": "النور",
    "Babiker": "بابكر", "Abdelrahman": "عبد الرحمن", "Mustafa": "مصطفى", "Omer": "عمر",
    "Khalid": "خالد", "Hamid": "حامد", "Musa": "موسى", "Yasir": "ياسر", "Elsadig": "الصادق",
    "Fatima": "فاطمة", "Amna": "آمنة", "Hawa": "حواء", "Mariam": "مريم", "Zeinab": "زينب",
    "Khadija": "خديجة", "Asha": "عائشة", "Safaa": "صفاء",
}  # fmt: skip

# Share of cases per nationality of the principal applicant, in percent.
NATIONALITY_WEIGHTS: dict[str, int] = {
    "GN": 20, "CI": 14, "SN": 11, "CM": 10, "ML": 9, "CG": 6, "NG": 6, "CD": 5,
    "GM": 4, "SD": 4, "PH": 3, "BF": 3, "SL": 3, "BJ": 2,
}  # fmt: skip

# Kinds of household, in per mille of cases.
HOUSEHOLD_WEIGHTS: dict[str, int] = {
    "single_man": 690,
    "single_woman": 90,
    "single_mother": 80,
    "couple": 30,
    "couple_children": 50,
    "single_father": 10,
    "unaccompanied_minor": 35,
    "brothers": 15,
}
# Per nationality: Filipinas are mostly domestic workers on their own; Nigerian women are
# over-represented among trafficking victims; Sudanese arrive mostly as single men.
HOUSEHOLD_OVERRIDES: dict[str, dict[str, int]] = {
    "PH": {"single_woman": 750, "single_man": 150, "single_mother": 100},
    "NG": {**HOUSEHOLD_WEIGHTS, "single_woman": 200, "single_mother": 130},
    "SD": {"single_man": 800, "couple_children": 100, "brothers": 60, "unaccompanied_minor": 40},
}

MALE_OCCUPATIONS = (
    ("Sans emploi", 40), ("Maçon", 8), ("Vendeur ambulant", 8), ("Mécanicien", 5),
    ("Agriculteur", 6), ("Chauffeur", 4), ("Soudeur", 3), ("Peintre en bâtiment", 4),
    ("Électricien", 3), ("Tailleur", 3), ("Étudiant", 4), ("Pêcheur", 2), ("Menuisier", 3),
    ("Commerçant", 5),
)  # fmt: skip
FEMALE_OCCUPATIONS = (
    ("Sans emploi", 45), ("Coiffeuse", 10), ("Couturière", 8), ("Commerçante", 10),
    ("Employée de maison", 12), ("Restauratrice", 5), ("Vendeuse", 8), ("Étudiante", 2),
)  # fmt: skip
EDUCATION = (
    (EducationLevel.NONE, 30), (EducationLevel.PRIMARY, 30), (EducationLevel.SECONDARY, 28),
    (EducationLevel.VOCATIONAL, 7), (EducationLevel.HIGHER, 5),
)  # fmt: skip
REFERRALS = (
    (ReferralSource.WALK_IN, 40), (ReferralSource.WORD_OF_MOUTH, 22), (ReferralSource.NGO, 20),
    (ReferralSource.AUTHORITY, 8), (ReferralSource.SOCIAL_MEDIA, 8), (ReferralSource.OTHER, 2),
)  # fmt: skip

COUNSELLING_TOPICS = (
    "Conseil au retour : caractère volontaire, étapes jusqu'au départ, droit de se désister "
    "à tout moment avant le départ.",
    "Suivi : état de santé, hébergement, besoins de la famille.",
    "Identification consulaire : documents disponibles, démarches pour le laissez-passer.",
    "Orientation : projet de réintégration (petit commerce, agriculture, formation) et "
    "attentes à l'arrivée.",
    "Suivi psychosocial : difficultés vécues au Maroc, appréhensions liées au retour.",
    "Information sur l'assistance à la réintégration et le suivi par la mission OIM du pays "
    "d'origine.",
)
WITHDRAWAL_REASONS = (
    "A trouvé un emploi au Maroc et souhaite y rester.",
    "Souhaite tenter à nouveau de rejoindre l'Europe.",
    "A obtenu une carte de séjour lors de l'opération de régularisation.",
    "Raisons familiales : la famille au pays déconseille le retour pour le moment.",
    "Est retourné par ses propres moyens.",
    "Ne se présente plus aux rendez-vous ; a confirmé par téléphone renoncer au retour.",
)
MOROCCAN_GUARDIANS = (
    "Samira Tazi", "Rachid Benjelloun", "Khadija Ouazzani", "Mehdi Chraibi", "Leila Fassi",
    "Omar Lahlou",
)  # fmt: skip


# Distribution days and sensitive notes draw from their own sequence, after the cases are
# written: adding them left every case, person and date drawn from SEED as it was.
RECORDS_SEED = SEED + 1
# Each office's distribution days: what is handed out, about how many days ago, to whom
# ("household": the principal, for the household; "person": everyone), and the note.
DISTRIBUTION_DAYS: tuple[tuple[AssistanceKind, int, str, int, str], ...] = (
    (AssistanceKind.FOOD_KIT, 80, "household", 1, "Distribution mensuelle de kits alimentaires"),
    (AssistanceKind.HYGIENE_KIT, 45, "person", 1, "Distribution de kits d'hygiène"),
    (AssistanceKind.FOOD_KIT, 20, "household", 1, "Distribution mensuelle de kits alimentaires"),
    (AssistanceKind.NON_FOOD_ITEMS, 8, "household", 2, "Couvertures et vêtements"),
)  # fmt: skip
DISTRIBUTION_HOUSEHOLDS = (12, 24)

# Which vulnerability calls for which sensitive note, how often, and what it may say. A
# case gets at most one note of each kind: the first of its codes listed for that kind.
N = SensitiveNote.Kind
MINOR_NOTES = (
    "Suivi par l'éducatrice du foyer d'accueil. Contact rétabli avec un oncle au pays ; "
    "évaluation de la famille demandée à la mission OIM avant tout départ.",
    "Le mineur dit avoir peur d'être mal reçu par sa famille. Entretiens hebdomadaires avec "
    "la psychologue partenaire ; avis à joindre au dossier pour le juge des mineurs.",
)
SURVIVOR_NOTES = (
    "Entretien avec la psychologue partenaire : anxiété liée au retour et à l'accueil par la "
    "famille. Deux séances de suivi prévues avant le départ.",
    "Troubles du sommeil signalés. Orientation vers le soutien psychosocial de l'ONG "
    "partenaire ; la personne ne souhaite pas que sa famille soit informée pour l'instant.",
    "Suivi psychosocial en cours ; entretiens uniquement avec une intervenante, à la demande "
    "de la personne.",
)
SENSITIVE_NOTES: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    (N.TRAFFICKING, V.TRAFFICKING_VICTIM, 0.9, (
        "Victime potentielle de traite identifiée par l'ONG partenaire. Ne communiquer "
        "l'adresse d'hébergement à personne ; évaluation des risques au retour demandée à la "
        "mission OIM.",
        "Dette envers le réseau de passage évoquée en entretien. Vérifier la sécurité dans la "
        "région d'origine avant de fixer la date de départ ; aucune information à des tiers.",
        "Accord de la personne pour une assistance spécifique à l'arrivée : accueil par la "
        "mission à l'aéroport et hébergement temporaire.",
    )),
    (N.PSYCHOSOCIAL, V.UNACCOMPANIED_MINOR, 0.6, MINOR_NOTES),
    (N.PSYCHOSOCIAL, V.SEPARATED_CHILD, 0.6, MINOR_NOTES),
    (N.PSYCHOSOCIAL, V.TRAFFICKING_VICTIM, 0.5, SURVIVOR_NOTES),
    (N.PSYCHOSOCIAL, V.GBV_SURVIVOR, 0.6, SURVIVOR_NOTES),
    (N.MEDICAL, V.PREGNANT, 0.7, (
        "Grossesse suivie au centre de santé. Certificat médical d'aptitude au voyage à "
        "demander avant l'achat du billet.",
    )),
    (N.MEDICAL, V.DISABILITY, 0.7, (
        "Mobilité réduite : demander l'assistance aéroportuaire et prévenir la mission "
        "d'accueil.",
    )),
    (N.MEDICAL, V.MEDICAL_CONDITION, 0.5, (
        "Maladie chronique traitée au centre de santé. Prévoir l'ordonnance et un mois de "
        "traitement pour le voyage ; continuité des soins à organiser avec la mission.",
        "Consultation à l'hôpital provincial ; examens complémentaires prévus. Aptitude au "
        "voyage à confirmer par le médecin.",
        "Traitement en cours. La personne demande que son état de santé ne soit pas "
        "communiqué à sa famille.",
    )),
)  # fmt: skip


@dataclass
class Plan:
    """One case to register, with its whole pre-departure story decided up front."""

    office: str
    household: str
    nationality: str
    registered_on: date
    people: list[PersonData]
    referral_source: str
    referring_organisation: str | None
    priority: int
    status: CaseStatus
    assistance_from: date | None = None
    ready_on: date | None = None
    declaration_on: date | None = None
    justice_on: date | None = None
    withdrawn_on: date | None = None


def _weighted(rng: random.Random, choices: tuple[tuple[T, int], ...] | dict[T, int]) -> T:
    items = list(choices.items()) if isinstance(choices, dict) else list(choices)
    return rng.choices([item for item, _w in items], weights=[w for _i, w in items])[0]


class DemoCaseBuilder:
    def __init__(self, today: date, seed: int = SEED) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
        self.today = today
        self.documents: set[str] = set()

    # People -------------------------------------------------------------------------

    def birth(self, registered_on: date, age: int) -> date:
        return registered_on - timedelta(days=int(age * 365.25) + self.rng.randint(1, 300))

    def adult_age(self, sex: str) -> int:
        band = _weighted(
            self.rng,
            ((18, 10), (21, 65), (31, 20), (41, 4), (60, 1))
            if sex == Sex.MALE
            else ((18, 10), (21, 50), (31, 30), (41, 9), (60, 1)),
        )
        top = {18: 20, 21: 30, 31: 40, 41: 55, 60: 66}[band]
        return self.rng.randint(band, top)

    def document(self, prefix: str) -> str:
        while True:
            number = f"{prefix}{self.rng.randint(0, 9_999_999):07d}"
            if number not in self.documents:
                self.documents.add(number)
                return number

    def person(
        self,
        *,
        nationality: str,
        sex: str,
        age: int,
        registered_on: date,
        relationship: str = Relationship.PRINCIPAL,
        family_name: str | None = None,
        vulnerabilities: list[str] | None = None,
    ) -> PersonData:
        rng = self.rng
        book = NAMES[nationality]
        given = rng.choice(book.male if sex == Sex.MALE else book.female)
        family = family_name or rng.choice(book.family)
        adult = age >= 18
        data = PersonData(
            family_name=family,
            given_name=given,
            sex=sex,
            nationality=nationality,
            relationship=relationship,
            vulnerabilities=list(vulnerabilities or []),
        )
        if nationality == "SD":
            data.family_name_ar = ARABIC.get(family, "")
            data.given_name_ar = ARABIC.get(given, "")
        # Adults without papers often know only their year of birth.
        if adult and age >= 20 and rng.random() < 0.3:
            data.age = age
        else:
            data.birth_date = self.birth(registered_on, age)
        if adult:
            data.languages = rng.choice(book.languages)
            data.education_level = _weighted(rng, EDUCATION)
            occupations = MALE_OCCUPATIONS if sex == Sex.MALE else FEMALE_OCCUPATIONS
            data.occupation = _weighted(rng, occupations)
            if nationality == "PH" and sex == Sex.FEMALE:
                data.occupation = "Employée de maison"
            if rng.random() < 0.5:
                data.travel_document_number = self.document(f"{nationality}P")
            if rng.random() < 0.2:
                data.id_document_number = self.document(f"{nationality}N")
        else:
            data.languages = book.languages[0].split(",")[0] if age >= 3 else ""
            data.education_level = EducationLevel.PRIMARY if age >= 6 else ""
        if relationship == Relationship.PRINCIPAL and (adult or rng.random() < 0.5):
            data.phone = f"+212 6{rng.randint(0, 99_999_999):08d}"
        return data

    def children(
        self, *, nationality: str, family_name: str, parent_age: int, registered_on: date
    ) -> list[PersonData]:
        count = _weighted(self.rng, ((1, 45), (2, 35), (3, 20)))
        oldest = max(0, min(14, parent_age - 18))
        ages = sorted((self.rng.randint(0, oldest) for _ in range(count)), reverse=True)
        kids = []
        for age in ages:
            codes: list[str] = []
            if self.rng.random() < 0.05:
                codes.append(V.MEDICAL_CONDITION)
            if self.rng.random() < 0.02:
                codes.append(V.DISABILITY)
            kids.append(
                self.person(
                    nationality=nationality,
                    sex=self.rng.choice([Sex.MALE, Sex.FEMALE]),
                    age=age,
                    registered_on=registered_on,
                    relationship=Relationship.CHILD,
                    family_name=family_name,
                    vulnerabilities=codes,
                )
            )
        return kids

    def adult_codes(self, sex: str, age: int, household: str, nationality: str) -> list[str]:
        rng = self.rng
        codes: list[str] = []
        if rng.random() < 0.08:
            codes.append(V.MEDICAL_CONDITION)
        if rng.random() < 0.015:
            codes.append(V.DISABILITY)
        if age >= 60:
            codes.append(V.ELDERLY)
        if sex == Sex.FEMALE:
            trafficking = 0.35 if nationality in {"NG", "PH"} else 0.08
            if household in {"single_woman", "single_mother"} and rng.random() < trafficking:
                codes.append(V.TRAFFICKING_VICTIM)
            if household in {"single_woman", "single_mother"} and rng.random() < 0.15:
                codes.append(V.GBV_SURVIVOR)
            if age < 40 and rng.random() < 0.1:
                codes.append(V.PREGNANT)
        elif rng.random() < 0.01:
            codes.append(V.TRAFFICKING_VICTIM)
        return codes

    def household(self, nationality: str, household: str, registered_on: date) -> list[PersonData]:
        rng = self.rng
        if household == "unaccompanied_minor":
            return [self.unaccompanied_minor(nationality, registered_on)]
        female_principal = household in {"single_woman", "single_mother"}
        sex = Sex.FEMALE if female_principal else Sex.MALE
        age = self.adult_age(sex)
        if household in {"single_mother", "single_father", "couple_children"}:
            age = max(age, 22)
        codes = self.adult_codes(sex, age, household, nationality)
        if household in {"single_mother", "single_father"}:
            codes.append(V.SINGLE_PARENT)
        principal = self.person(
            nationality=nationality,
            sex=sex,
            age=age,
            registered_on=registered_on,
            vulnerabilities=codes,
        )
        companions, age = self.companions(principal, age, household, registered_on)
        people = [principal, *companions]
        if household in {"single_mother", "single_father", "couple_children"}:
            family_name = principal.family_name
            if household == "single_mother" and rng.random() < 0.5:
                family_name = rng.choice(NAMES[nationality].family)
            people += self.children(
                nationality=nationality,
                family_name=family_name,
                parent_age=age,
                registered_on=registered_on,
            )
        return people

    def unaccompanied_minor(self, nationality: str, registered_on: date) -> PersonData:
        rng = self.rng
        age = rng.randint(14, 17)
        code = V.UNACCOMPANIED_MINOR if rng.random() < 0.75 else V.SEPARATED_CHILD
        codes: list[str] = [code]
        if rng.random() < 0.1:
            codes.append(V.TRAFFICKING_VICTIM)
        minor = self.person(
            nationality=nationality,
            sex=Sex.MALE if rng.random() < 0.8 else Sex.FEMALE,
            age=age,
            registered_on=registered_on,
            vulnerabilities=codes,
        )
        minor.phone = ""
        return minor

    def companions(
        self, principal: PersonData, age: int, household: str, registered_on: date
    ) -> tuple[list[PersonData], int]:
        """The principal's marital status and the adults returning with them, and the age of
        the youngest parent."""
        rng = self.rng
        nationality = principal.nationality
        if household in {"couple", "couple_children"}:
            principal.marital_status = MaritalStatus.MARRIED
            spouse_age = max(18, age - rng.randint(0, 8))
            spouse = self.person(
                nationality=nationality,
                sex=Sex.FEMALE,
                age=spouse_age,
                registered_on=registered_on,
                relationship=Relationship.SPOUSE,
                family_name=principal.family_name if rng.random() < 0.3 else None,
                vulnerabilities=self.adult_codes(Sex.FEMALE, spouse_age, household, nationality),
            )
            spouse.marital_status = MaritalStatus.MARRIED
            return [spouse], min(age, spouse_age)
        elif household == "single_mother":
            principal.marital_status = _weighted(
                rng,
                (
                    (MaritalStatus.SINGLE, 40),
                    (MaritalStatus.SEPARATED, 25),
                    (MaritalStatus.DIVORCED, 15),
                    (MaritalStatus.WIDOWED, 20),
                ),
            )
        elif household == "single_father":
            principal.marital_status = rng.choice([MaritalStatus.WIDOWED, MaritalStatus.SEPARATED])
        elif household == "brothers":
            principal.marital_status = MaritalStatus.SINGLE
            brother_age = max(18, age + rng.choice([-4, -3, -2, 2, 3, 5]))
            brother = self.person(
                nationality=nationality,
                sex=Sex.MALE,
                age=brother_age,
                registered_on=registered_on,
                relationship=Relationship.SIBLING,
                family_name=principal.family_name,
                vulnerabilities=self.adult_codes(Sex.MALE, brother_age, household, nationality),
            )
            brother.marital_status = MaritalStatus.SINGLE
            return [brother], age
        else:
            principal.marital_status = _weighted(
                rng,
                (
                    (MaritalStatus.SINGLE, 85),
                    (MaritalStatus.MARRIED, 10),
                    (MaritalStatus.DIVORCED, 5),
                ),
            )
        return [], age

    # Cases --------------------------------------------------------------------------

    def status(self, days_open: int) -> CaseStatus:
        if days_open < 3:
            return CaseStatus.REGISTERED
        if days_open < 30:
            weights: dict[CaseStatus, int] = {
                CaseStatus.REGISTERED: 40,
                CaseStatus.ASSISTING: 55,
                CaseStatus.WITHDRAWN: 5,
            }
        else:
            weights = {
                CaseStatus.REGISTERED: 6,
                CaseStatus.ASSISTING: 36,
                CaseStatus.READY: 18,
                CaseStatus.WAITING_FUNDS: 22,
                CaseStatus.WITHDRAWN: 18,
            }
        return _weighted(self.rng, weights)

    def day_between(self, start: date, span: tuple[int, int]) -> date:
        return min(self.today, start + timedelta(days=self.rng.randint(*span)))

    def nationalities(self, count: int) -> list[str]:
        """Exactly the programme's shares (largest remainders), in random order."""
        total = sum(NATIONALITY_WEIGHTS.values())
        exact = {code: weight * count / total for code, weight in NATIONALITY_WEIGHTS.items()}
        quotas = {code: int(share) for code, share in exact.items()}
        by_remainder = sorted(exact, key=lambda code: quotas[code] - exact[code])
        for code in by_remainder[: count - sum(quotas.values())]:
            quotas[code] += 1
        drawn = [code for code, quota in quotas.items() for _ in range(quota)]
        self.rng.shuffle(drawn)
        return drawn

    def plan(self, nationality: str) -> Plan:
        rng = self.rng
        household = _weighted(rng, HOUSEHOLD_OVERRIDES.get(nationality, HOUSEHOLD_WEIGHTS))
        if nationality == "PH":
            office = "RBA"
        elif nationality == "SD":
            office = "OUJ" if rng.random() < 0.8 else "RBA"
        else:
            office = "RBA" if rng.random() < 0.55 else "OUJ"
        registered_on = self.today - timedelta(days=rng.randint(0, HISTORY_DAYS))
        people = self.household(nationality, household, registered_on)
        codes = {code for person in people for code in person.vulnerabilities}
        referral = _weighted(rng, REFERRALS)
        if V.TRAFFICKING_VICTIM in codes or household == "unaccompanied_minor":
            referral = ReferralSource.NGO if rng.random() < 0.7 else ReferralSource.AUTHORITY
        referring = None
        if referral == ReferralSource.NGO:
            local = "ASM" if office == "RBA" else "CAO"
            referring = local if rng.random() < 0.85 else ({"ASM", "CAO"} - {local}).pop()
        elif referral == ReferralSource.AUTHORITY and rng.random() < 0.5:
            referring = "MI"
        priority = Priority.NORMAL
        if {V.UNACCOMPANIED_MINOR, V.SEPARATED_CHILD, V.TRAFFICKING_VICTIM} & codes:
            priority = Priority.URGENT
        elif codes & {V.SINGLE_PARENT, V.PREGNANT, V.MEDICAL_CONDITION, V.DISABILITY, V.ELDERLY}:
            priority = Priority.HIGH
        plan = Plan(
            office=office,
            household=household,
            nationality=nationality,
            registered_on=registered_on,
            people=people,
            referral_source=referral,
            referring_organisation=referring,
            priority=priority,
            status=self.status((self.today - registered_on).days),
        )
        self.timeline(plan)
        return plan

    def timeline(self, plan: Plan) -> None:
        """The dates of each stage, in order and never after today."""
        rng = self.rng
        status = plan.status
        reached = status
        if status == CaseStatus.WITHDRAWN:
            reached = _weighted(
                rng,
                (
                    (CaseStatus.REGISTERED, 30),
                    (CaseStatus.ASSISTING, 55),
                    (CaseStatus.READY, 15),
                ),
            )
            if (self.today - plan.registered_on).days < 60 and reached == CaseStatus.READY:
                reached = CaseStatus.ASSISTING
        last = plan.registered_on
        if reached != CaseStatus.REGISTERED:
            plan.assistance_from = last = self.day_between(plan.registered_on, (0, 7))
        if reached in {CaseStatus.READY, CaseStatus.WAITING_FUNDS}:
            plan.declaration_on = self.day_between(last, (10, 60))
            plan.ready_on = last = self.day_between(plan.declaration_on, (0, 3))
        if status == CaseStatus.WITHDRAWN:
            plan.withdrawn_on = self.day_between(last, (3, 90))
        if plan.household == "unaccompanied_minor" and plan.assistance_from is not None:
            end = plan.declaration_on or plan.withdrawn_on or self.today
            span = max(0, (end - plan.assistance_from).days)
            plan.justice_on = plan.assistance_from + timedelta(days=rng.randint(0, span))

    def returning(self, earlier: Plan, *, elsewhere: bool = False) -> Plan:
        """The principal of a withdrawn case registers again some months later, in the same
        office or (`elsewhere`) in the other one."""
        principal = earlier.people[0]
        again = dataclasses.replace(principal, vulnerabilities=[], phone="")
        registered_on = self.day_between(earlier.withdrawn_on or self.today, (30, 120))
        other_office = next(code for code in DEMO_OFFICE_CODES if code != earlier.office)
        plan = Plan(
            office=other_office if elsewhere else earlier.office,
            household="single_man" if principal.sex == Sex.MALE else "single_woman",
            nationality=earlier.nationality,
            registered_on=registered_on,
            people=[again],
            referral_source=ReferralSource.WALK_IN,
            referring_organisation=None,
            priority=Priority.NORMAL,
            status=CaseStatus.ASSISTING
            if (self.today - registered_on).days > 5
            else CaseStatus.REGISTERED,
        )
        self.timeline(plan)
        return plan

    def plans(self) -> list[Plan]:
        count = CASE_COUNT - RETURNING_APPLICANTS
        plans = [self.plan(nationality) for nationality in self.nationalities(count)]
        candidates = [
            plan
            for plan in plans
            if plan.status == CaseStatus.WITHDRAWN
            and plan.withdrawn_on is not None
            and (self.today - plan.withdrawn_on).days > 150
            and plan.household != "unaccompanied_minor"
            and len(plan.people) == 1
            and plan.people[0].birth_date is not None  # the same date both times
        ]
        returning = candidates[:RETURNING_APPLICANTS]
        # One of Rabat's registers again in Oujda, which asks Rabat (whose supervisor is a
        # demo user) to confirm the link.
        moving = next((plan for plan in returning if plan.office == "RBA"), None)
        plans += [self.returning(plan, elsewhere=plan is moving) for plan in returning]
        # Registered in date order, so that case numbers follow the calendar.
        return sorted(plans, key=lambda plan: plan.registered_on)


# Writing through the services -----------------------------------------------------------


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.encode("ascii", "replace").decode("ascii")


def declaration_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the given lines, standing in for the scanned signed form."""
    escaped = [
        _ascii(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines
    ]
    text = " T* ".join(f"({line}) Tj" for line in escaped)
    stream = f"BT /F1 11 Tf 16 TL 56 780 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class DemoCaseWriter:
    def __init__(
        self,
        *,
        rng: random.Random,
        today: date,
        actors: dict[str, list[tuple[User, int]]],
        organisations: dict[str, Organisation],
    ) -> None:
        self.rng = rng
        self.today = today
        self.actors = actors
        self.organisations = organisations

    def day_in(self, start: date, end: date) -> date:
        span = max(0, (min(end, self.today) - start).days)
        return start + timedelta(days=self.rng.randint(0, span))

    def write(self, plan: Plan) -> Case:
        rng = self.rng
        actor = _weighted(rng, tuple(self.actors[plan.office]))
        referring = plan.referring_organisation
        case = services.case_register(
            actor=actor,
            people=plan.people,
            registered_on=plan.registered_on,
            referral_source=plan.referral_source,
            referring_organisation=self.organisations[referring] if referring else None,
            priority=plan.priority,
        )
        people = sorted(case.people.order_by("id"), key=lambda person: not person.is_principal)
        principal = people[0]
        interpreter = NAMES[plan.nationality].interpreter
        language = rng.choice(interpreter) if interpreter and rng.random() < 0.4 else ""
        services.counselling_record(
            actor=actor,
            case=case,
            held_on=plan.registered_on,
            topics="Entretien préliminaire : parcours migratoire, situation familiale, "
            "documents disponibles, motivation du retour.",
            interpreter_language=language,
        )
        if plan.assistance_from is None:
            return self.finish(plan, case, actor)
        case = services.case_transition(
            actor=actor, case=case, to_status=CaseStatus.ASSISTING, on=plan.assistance_from
        )
        end = plan.withdrawn_on or plan.ready_on or self.today
        self.assist(plan, actor, people, end)
        for _ in range(rng.randint(0, 2)):
            services.counselling_record(
                actor=actor,
                case=case,
                held_on=self.day_in(plan.assistance_from, end),
                topics=rng.choice(COUNSELLING_TOPICS),
                interpreter_language=language,
            )
        if plan.justice_on is not None:
            case = self.justice(plan, actor, case)
        if plan.declaration_on is not None and plan.ready_on is not None:
            services.counselling_record(
                actor=actor,
                case=case,
                held_on=plan.declaration_on,
                topics="Lecture et explication de la déclaration de retour volontaire ; "
                "la personne confirme sa décision et signe.",
                interpreter_language=language,
            )
            guardian = ""
            if principal.is_minor_on(plan.declaration_on):
                guardian = f"{rng.choice(MOROCCAN_GUARDIANS)} (tutelle provisoire)"
            scan = declaration_pdf(
                [
                    "Declaration de retour volontaire",
                    f"Dossier {case.number}",
                    f"{principal.family_name.upper()} {principal.given_name}",
                    f"Signee le {plan.declaration_on:%d/%m/%Y}",
                    f"Tuteur : {guardian}" if guardian else "",
                ]
            )
            services.declaration_record(
                actor=actor,
                case=case,
                signatory=principal,
                signed_on=plan.declaration_on,
                scan=SimpleUploadedFile(
                    f"declaration-{case.number}.pdf", scan, content_type="application/pdf"
                ),
                guardian_name=guardian,
            )
            case = services.case_transition(
                actor=actor, case=case, to_status=CaseStatus.READY, on=plan.ready_on
            )
        return self.finish(plan, case, actor)

    def finish(self, plan: Plan, case: Case, actor: User) -> Case:
        if plan.status == CaseStatus.WAITING_FUNDS:
            case = services.case_transition(
                actor=actor,
                case=case,
                to_status=CaseStatus.WAITING_FUNDS,
                reason="Billet non financé : enveloppe de la période épuisée.",
            )
        elif plan.status == CaseStatus.WITHDRAWN:
            case = services.case_withdraw(
                actor=actor,
                case=case,
                reason=self.rng.choice(WITHDRAWAL_REASONS),
                on=plan.withdrawn_on,
            )
        return case

    def justice(self, plan: Plan, actor: User, case: Case) -> Case:
        """The Ministry of Justice procedure for an unaccompanied or separated minor."""
        decided_on = plan.justice_on or plan.registered_on
        court = "Rabat" if plan.office == "RBA" else "Oujda"
        reference = (
            f"Tribunal de première instance de {court}, "
            f"n° {self.rng.randint(100, 2999)}/{decided_on.year}"
        )
        changes: dict[str, object] = {
            "justice_decision": JusticeDecision.PENDING,
            "justice_reference": reference,
        }
        if plan.declaration_on is not None:
            changes["justice_decision"] = JusticeDecision.RETURN_AUTHORISED
            changes["justice_decision_on"] = decided_on
        return services.case_update(
            actor=actor, case=case, expected_version=case.version, changes=changes
        )

    def assist(self, plan: Plan, actor: User, people: list[Person], end: date) -> None:
        start = plan.assistance_from or plan.registered_on
        give = partial(self.give, actor=actor, start=start, end=end)
        ngo = self.organisations["ASM" if plan.office == "RBA" else "CAO"]
        self.kits_and_vouchers(give, people, ngo, start)
        self.care(give, people)
        self.support(give, plan, people, ngo)

    def give(
        self,
        person: Person,
        kind: str,
        *,
        actor: User,
        start: date,
        end: date,
        note: str = "",
        quantity: int = 1,
        value: Decimal | None = None,
        currency: str = "",
        provider: Organisation | None = None,
    ) -> None:
        services.assistance_record(
            actor=actor,
            person=person,
            kind=kind,
            given_on=self.day_in(start, end),
            quantity=quantity,
            value=value,
            currency=currency,
            provider=provider,
            note=note,
        )

    def kits_and_vouchers(
        self, give: Give, people: list[Person], ngo: Organisation, start: date
    ) -> None:
        rng = self.rng
        principal = people[0]
        household = len(people)
        for _ in range(rng.randint(1, 2)):
            give(
                principal,
                AssistanceKind.FOOD_KIT,
                note=f"Kit familial ({household} personnes)" if household > 1 else "",
                provider=ngo if rng.random() < 0.3 else None,
            )
        for person in people:
            baby = person.birth_date is not None and person.age_on(start) in {0, 1, 2}
            give(person, AssistanceKind.HYGIENE_KIT, note="Kit bébé" if baby else "")
        if rng.random() < 0.6:
            value = rng.choice([300, 400, 500, 600, 800]) + 200 * (household - 1)
            give(
                principal,
                AssistanceKind.PURCHASE_VOUCHER,
                value=Decimal(value),
                currency="MAD",
                note="Bon d'achat alimentaire",
            )

    def care(self, give: Give, people: list[Person]) -> None:
        rng = self.rng
        for person in people:
            codes = {vulnerability.code for vulnerability in person.vulnerabilities.all()}
            if codes & {V.MEDICAL_CONDITION, V.PREGNANT, V.DISABILITY, V.ELDERLY}:
                for _ in range(rng.randint(1, 2)):
                    give(
                        person,
                        AssistanceKind.MEDICAL_CARE,
                        note="Consultation au centre de santé (ministère de la Santé)",
                    )
            if codes & {V.TRAFFICKING_VICTIM, V.GBV_SURVIVOR, V.UNACCOMPANIED_MINOR}:
                give(person, AssistanceKind.PSYCHOSOCIAL_SUPPORT, note="Entretien individuel")

    def support(self, give: Give, plan: Plan, people: list[Person], ngo: Organisation) -> None:
        rng = self.rng
        principal = people[0]
        household = len(people)
        if plan.household in {"single_mother", "unaccompanied_minor"} or rng.random() < 0.05:
            give(
                principal,
                AssistanceKind.ACCOMMODATION,
                quantity=rng.choice([7, 14, 30]),
                provider=ngo,
                note="Nuitées en foyer d'accueil",
            )
        if plan.office == "OUJ" and rng.random() < 0.3:
            give(
                principal,
                AssistanceKind.TRANSPORT,
                value=Decimal(250 * household),
                currency="MAD",
                note="Car Oujda–Rabat pour l'identification à l'ambassade",
            )
        if rng.random() < 0.5:
            give(
                principal,
                AssistanceKind.ADMINISTRATIVE_SUPPORT,
                note="Contact avec l'ambassade pour le laissez-passer consulaire",
            )
        if rng.random() < 0.2:
            give(principal, AssistanceKind.NON_FOOD_ITEMS, quantity=2, note="Couvertures")
        if plan.ready_on is not None and rng.random() < 0.3:
            give(
                principal,
                AssistanceKind.VOCATIONAL_ORIENTATION,
                note="Orientation par l'Entraide nationale",
            )


# Distribution days and sensitive notes ---------------------------------------------------

ASSISTED_STATUSES = (CaseStatus.ASSISTING, CaseStatus.READY, CaseStatus.WAITING_FUNDS)


def distribution_days_record(
    rng: random.Random, *, actor: User, office: Organisation, today: date
) -> int:
    """The office's distribution days, each to some of the households it was assisting that
    day; returns how many were recorded."""
    recorded = 0
    for kind, days_ago, reach, quantity, note in DISTRIBUTION_DAYS:
        given_on = today - timedelta(days=days_ago + rng.randint(-3, 3))
        households = list(
            Case.objects.filter(
                office=office, status__in=ASSISTED_STATUSES, assistance_started_on__lte=given_on
            )
            .order_by("number")
            .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("id")))
        )
        count = min(len(households), rng.randint(*DISTRIBUTION_HOUSEHOLDS))
        people = [
            person
            for case in sorted(rng.sample(households, count), key=lambda case: case.number)
            for person in case.people.all()
            if reach == "person" or person.is_principal
        ]
        services.distribution_record(
            actor=actor, kind=kind, given_on=given_on, people=people, note=note, quantity=quantity
        )
        recorded += 1
    return recorded


def link_requests_write(cases: list[Case]) -> int:
    """Each person resembling someone only another office knows asks that office to confirm,
    as their caseworker would; returns how many requests were made."""
    made = 0
    waiting = Person.objects.filter(case__in=cases, duplicate_review=DuplicateReview.PENDING)
    for person in waiting.select_related("case__assigned_to"):
        actor = person.case.assigned_to
        if (
            actor is None
            or not selectors.duplicate_matches(
                person, visible_cases=access.cases_for(actor)
            ).other_offices
        ):
            continue
        made += len(services.duplicate_link_request(actor=actor, person=person))
    return made


def sensitive_notes_write(rng: random.Random, cases: list[Case]) -> int:
    """Notes on some of the cases whose people's vulnerabilities call for one, each written
    by the case's caseworker; returns how many were written."""
    codes: dict[int, set[str]] = defaultdict(set)
    for case_id, code in Vulnerability.objects.filter(case__in=cases).values_list("case", "code"):
        codes[case_id].add(code)
    written = 0
    for case in cases:
        noted: set[str] = set()
        for kind, code, share, texts in SENSITIVE_NOTES:
            if kind in noted or code not in codes[case.pk]:
                continue
            noted.add(kind)
            if rng.random() < share:
                services.sensitive_note_add(
                    # Every demo case is registered with its caseworker assigned.
                    actor=cast(User, case.assigned_to),
                    case=case,
                    kind=kind,
                    text=rng.choice(texts),
                )
                written += 1
    return written


def demo_user_ensure(
    identity: tuple[str, str, str], role: Role, organisation: Organisation
) -> tuple[User, bool]:
    """A demo user beyond `avrr.demo`'s one per role: found, or created with a password
    nobody knows (set it in the admin); returns it and whether it was created now."""
    username, first_name, last_name = identity
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = user_create(
        actor=None,
        username=username,
        password=secrets.token_urlsafe(18),
        role=role,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@example.org",
    )
    return user, True


def demo_cases_load() -> str:
    """Register the demo cases once; a second run creates nothing."""
    organisations = {
        organisation.code: organisation
        for organisation in Organisation.objects.filter(
            code__in=[*DEMO_OFFICE_CODES, "ASM", "CAO", "MI"]
        )
    }
    rabat = User.objects.filter(username__in=[RABAT_CASEWORKER, RABAT_SUPERVISOR]).in_bulk(
        field_name="username"
    )
    if len(organisations) < 5 or len(rabat) < 2:
        return "Demo cases: demo organisations or users missing, no case created."
    existing = Case.objects.filter(office__code__in=DEMO_OFFICE_CODES).count()
    if existing:
        return f"Demo cases: {existing} cases already exist in the demo offices, none created."
    today = timezone.localdate()
    with transaction.atomic():
        oujda, created = demo_user_ensure(OUJDA_CASEWORKER, Role.CASEWORKER, organisations["OUJ"])
        builder = DemoCaseBuilder(today)
        writer = DemoCaseWriter(
            rng=builder.rng,
            today=today,
            actors={
                "RBA": [(rabat[RABAT_CASEWORKER], 3), (rabat[RABAT_SUPERVISOR], 1)],
                "OUJ": [(oujda, 1)],
            },
            organisations=organisations,
        )
        cases = [writer.write(plan) for plan in builder.plans()]
        records = random.Random(RECORDS_SEED)  # noqa: S311 (reproducible demo data)
        days = sum(
            distribution_days_record(records, actor=actor, office=organisations[code], today=today)
            for code, actor in (("RBA", rabat[RABAT_CASEWORKER]), ("OUJ", oujda))
        )
        notes = sensitive_notes_write(records, cases)
        link_requests = link_requests_write(cases)
    people = Person.objects.filter(case__in=cases).count()
    note = f"; caseworker {oujda.username} created (set its password in the admin)"
    note = note if created else ""
    return (
        f"Demo cases: {len(cases)} cases, {people} people, {days} distribution days, "
        f"{notes} sensitive notes, {link_requests} link requests between offices{note}."
    )
