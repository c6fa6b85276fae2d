"""A row of people → the person it describes and their place in the household."""

from datetime import date

from django.utils.translation import gettext as _

from cases.models import Relationship, Sex, VulnerabilityCode
from cases.referrals.services import ReferredPersonData
from cases.referrals.spreadsheet.cells import cell_age
from cases.referrals.spreadsheet.columns import RELATIONSHIPS, SEXES, as_key, choices
from cases.referrals.spreadsheet.countries import country_code
from cases.referrals.spreadsheet.rows import Row

EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def read_person(row: Row) -> ReferredPersonData | None:
    """The row's person; None, with every fault noted, when a cell is wrong."""
    family_name = row.required_text("family_name")
    given_name = row.required_text("given_name")
    sex = _sex(row)
    birth_date, age = _birth_date_and_age(row)
    nationality = _nationality(row)
    languages = row.optional_text("languages")
    vulnerabilities = _vulnerabilities(row)
    if row.faults or sex is None:
        return None
    return ReferredPersonData(
        family_name=family_name,
        given_name=given_name,
        sex=sex,
        nationality=nationality,
        birth_date=birth_date,
        age=age,
        languages=languages,
        vulnerabilities=vulnerabilities,
    )


def _sex(row: Row) -> Sex | None:
    sex = SEXES.get(as_key(row.text("sex")))
    if sex is None:
        if row.text("sex"):
            row.error(
                "sex",
                _("Sexe non reconnu : « %(value)s ». Indiquez M ou F (H accepté pour homme).")
                % {"value": row.text("sex")},
            )
        else:
            row.error("sex", _("Cette case est obligatoire."))
    return sex


def _birth_date_and_age(row: Row) -> tuple[date | None, int | None]:
    """The date of birth and the age, either of which may be missing but not both."""
    birth_date = row.past_date("date_of_birth", required=False)
    if birth_date is not None and birth_date < EARLIEST_BIRTH_DATE:
        row.error("date_of_birth", _("Date de naissance invraisemblable."))
    age = row.checked("age", cell_age)
    if not row.text("date_of_birth") and not row.text("age"):
        row.error(
            "date_of_birth" if "date_of_birth" in row.columns else "age",
            _("Indiquez la date de naissance ou, à défaut, l'âge."),
        )
    return birth_date, age


def _nationality(row: Row) -> str:
    """The country's ISO alpha-2 code; "" when the cell is empty or unknown."""
    if not row.text("nationality"):
        row.error("nationality", _("Cette case est obligatoire."))
        return ""
    nationality = country_code(row.text("nationality"))
    if not nationality:
        row.error(
            "nationality",
            _(
                "Pays non reconnu : « %(value)s ». Indiquez son code ISO (ex. GN ou GIN) ou "
                "son nom en français ou en anglais."
            )
            % {"value": row.text("nationality")},
        )
    return nationality


def _vulnerabilities(row: Row) -> list[str]:
    """The codes separated by `;`, once each, in the file's order."""
    codes = [as_key(code) for code in row.text("vulnerabilities").split(";") if code.strip()]
    unknown = sorted(set(codes) - set(VulnerabilityCode.values))
    if unknown:
        row.error(
            "vulnerabilities",
            _("Vulnérabilité inconnue : %(codes)s.") % {"codes": ", ".join(unknown)},
        )
    return list(dict.fromkeys(codes))


def read_relationship(row: Row, *, first_row: int | None, household: str) -> str | None:
    """The person's relationship; `first_row` is the household principal's row, if another."""
    value = row.text("relationship")
    found = RELATIONSHIPS.get(as_key(value)) if value else None
    if value and found is None:
        row.error(
            "relationship",
            _("Lien non reconnu : « %(value)s ». Valeurs acceptées : %(values)s.")
            % {
                "value": value,
                "values": choices(
                    [*Relationship.values, "conjoint", "enfant", "frere_soeur", "autre"]
                ),
            },
        )
        return None
    if first_row is None:
        return _principal(row, found)
    return _member(row, found, first_row=first_row, household=household)


def _principal(row: Row, found: Relationship | None) -> str | None:
    """The first row of a household (or a row of its own) is its principal person."""
    if found not in (None, Relationship.PRINCIPAL):
        row.error(
            "relationship",
            _(
                "La première ligne d'un foyer est la personne principale : laissez ce lien "
                "vide ou indiquez « principal »."
            ),
        )
        return None
    return Relationship.PRINCIPAL


def _member(row: Row, found: Relationship | None, *, first_row: int, household: str) -> str | None:
    """A household's other rows say how the person is related to its principal."""
    if found is None:
        row.error(
            "relationship",
            _(
                "Indiquez le lien de cette personne avec la personne principale du foyer "
                "(ligne %(row)s)."
            )
            % {"row": first_row},
        )
        return None
    if found == Relationship.PRINCIPAL:
        row.error(
            "relationship",
            _(
                "Le foyer « %(household)s » a déjà sa personne principale, ligne %(row)s : "
                "indiquez le lien de cette personne avec elle."
            )
            % {"household": household, "row": first_row},
        )
        return None
    return found
