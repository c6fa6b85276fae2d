"""The columns of a referral spreadsheet, and the words accepted in their cells."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from cases.models import Relationship, Sex
from cases.referrals.models import Referral, ReferredPerson, Urgency


@dataclass(frozen=True)
class Column:
    """A column: its English header (the template's) and its French one.

    `per_household` values are read on a household's first row only; a `max_length` of 0
    sets no limit; `model` is the model whose field of the column's name the column fills,
    whose rules on direction controls it follows (`avrr.texts`); `help` explains the column
    on the template's help sheet.
    """

    name: str
    french: str
    required: bool
    help: Promise
    per_household: bool = False
    max_length: int = 0
    model: type[Model] | None = None


COLUMNS = (
    Column(
        "household",
        "foyer",
        False,
        gettext_lazy(
            "Identifiant libre du foyer (ex. F1). Les lignes qui ont le même foyer forment un "
            "seul référencement ; la première est la personne principale. Vide : la personne "
            "est référée seule."
        ),
    ),
    Column(
        "family_name",
        "nom",
        True,
        gettext_lazy("Nom de famille."),
        max_length=100,
        model=ReferredPerson,
    ),
    Column(
        "given_name",
        "prenom",
        True,
        gettext_lazy("Prénom(s)."),
        max_length=100,
        model=ReferredPerson,
    ),
    Column("sex", "sexe", True, gettext_lazy("M (homme, aussi H) ou F (femme).")),
    Column(
        "date_of_birth",
        "date_naissance",
        False,
        gettext_lazy(
            "Date de naissance, AAAA-MM-JJ ou JJ/MM/AAAA. Obligatoire si l'âge n'est pas indiqué."
        ),
    ),
    Column(
        "age",
        "age",
        False,
        gettext_lazy(
            "Âge en années entières, quand la date de naissance n'est pas connue (0 à 120)."
        ),
    ),
    Column(
        "nationality",
        "nationalite",
        True,
        gettext_lazy(
            "Code ISO du pays à 2 ou 3 lettres (GN, GIN) ou son nom en français ou en anglais "
            "(Guinée, Côte d'Ivoire, Ivory Coast)."
        ),
    ),
    Column(
        "relationship",
        "lien",
        False,
        gettext_lazy(
            "Lien avec la personne principale du foyer. Vide ou « principal » sur la première "
            "ligne du foyer ; obligatoire sur les autres lignes."
        ),
    ),
    Column(
        "languages",
        "langues",
        False,
        gettext_lazy("Langues parlées, en texte libre."),
        max_length=200,
    ),
    Column(
        "vulnerabilities",
        "vulnerabilites",
        False,
        gettext_lazy("Codes de vulnérabilité, séparés par « ; » (voir la liste ci-dessous)."),
    ),
    Column(
        "urgency",
        "urgence",
        False,
        gettext_lazy("Urgence du référencement (voir ci-dessous) ; normale si vide."),
        per_household=True,
    ),
    Column(
        "reason",
        "motif",
        True,
        gettext_lazy("Motif du référencement : pourquoi la personne souhaite rentrer."),
        per_household=True,
    ),
    Column(
        "contact_phone",
        "telephone",
        False,
        gettext_lazy("Téléphone pour joindre la personne ou le foyer."),
        per_household=True,
        max_length=32,
        model=Referral,
    ),
    Column(
        "office",
        "bureau",
        True,
        gettext_lazy("Code du bureau de l'OIM destinataire (ex. RBA pour Rabat)."),
        per_household=True,
    ),
    Column(
        "consent_given_on",
        "date_consentement",
        True,
        gettext_lazy(
            "Date à laquelle la personne a accepté que ses données soient partagées avec "
            "l'OIM, AAAA-MM-JJ ou JJ/MM/AAAA."
        ),
        per_household=True,
    ),
    Column(
        "consent_taken_by",
        "consentement_recueilli_par",
        True,
        gettext_lazy("Nom de la personne de l'ONG qui a recueilli ce consentement."),
        per_household=True,
        max_length=200,
        model=Referral,
    ),
)
BY_NAME = {column.name: column for column in COLUMNS}


def as_key(text: str) -> str:
    """`" Date-Naissance "` → `"date_naissance"`: no accents, lower case, `_` for spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s\-]+", "_", plain.strip().lower())


def choices(values: Iterable[str]) -> str:
    """The words a cell accepts, as a message lists them."""
    return ", ".join(values)


# A header as `as_key` reduces it → the column's name.
HEADERS = {as_key(name): column.name for column in COLUMNS for name in (column.name, column.french)}

SEXES = {
    "m": Sex.MALE,
    "h": Sex.MALE,
    "homme": Sex.MALE,
    "male": Sex.MALE,
    "f": Sex.FEMALE,
    "femme": Sex.FEMALE,
    "female": Sex.FEMALE,
}
RELATIONSHIPS = {
    **{value: Relationship(value) for value in Relationship.values},
    "conjoint": Relationship.SPOUSE,
    "conjointe": Relationship.SPOUSE,
    "enfant": Relationship.CHILD,
    "frere_soeur": Relationship.SIBLING,
    "autre": Relationship.OTHER,
}
URGENCIES = {
    "0": Urgency.NORMAL,
    "normal": Urgency.NORMAL,
    "normale": Urgency.NORMAL,
    "1": Urgency.HIGH,
    "high": Urgency.HIGH,
    "haute": Urgency.HIGH,
    "2": Urgency.URGENT,
    "urgent": Urgency.URGENT,
    "urgente": Urgency.URGENT,
}
