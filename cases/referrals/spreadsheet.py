"""Bulk submission of referrals by a partner NGO, from a spreadsheet (CSV or XLSX).

The file format
===============

A CSV file (UTF-8, with or without a byte-order mark; fields separated by `,` or `;`,
whichever the header row uses) or an XLSX workbook (its first sheet only). At most
500 rows of people and 2 MB.

Row 1 holds the headers. Each header may be written in English or in French (in brackets
below); case, accents and surrounding spaces do not matter, and spaces or hyphens inside a
header count as `_` (`Date naissance` is `date_naissance`). Columns not listed here are
ignored with a warning; a required column that is missing is an error. Empty rows are
skipped. Rows are numbered as the spreadsheet shows them: the header is row 1.

One row per **person**. Rows that share a `household` value form one referral (a family):
the first row of the household is the principal person, and the referral's own values
(`urgency`, `reason`, `contact_phone`, `office`, `consent_given_on`, `consent_taken_by`)
are taken from it; on the household's other rows these cells may stay empty (a different
value there is ignored with a warning). A row with an empty `household` is a referral of
its own, of one person.

Columns (English header, French alternative in brackets):

- `household` (`foyer`), optional: any text; rows sharing it form one referral.
- `family_name` (`nom`), required: text, 100 characters at most.
- `given_name` (`prenom`), required: text, 100 characters at most.
- `sex` (`sexe`), required: `M` or `F`; also `H` (homme), `homme`, `femme`, `male`,
  `female`.
- `date_of_birth` (`date_naissance`), this or `age`: `YYYY-MM-DD` or `DD/MM/YYYY` (or a
  date cell in XLSX), not in the future.
- `age` (`age`), this or `date_of_birth`: whole years, 0 to 120.
- `nationality` (`nationalite`), required: an ISO 3166-1 alpha-2 or alpha-3 code (`GN`,
  `GIN`), or the country's name in French or English, accents and case ignored (`Guinée`,
  `guinee`, `Guinea`, `Côte d'Ivoire`, `Ivory Coast`).
- `relationship` (`lien`), required on a household's other rows: `principal`, `spouse`,
  `child`, `parent`, `sibling`, `other`, or in French `conjoint`, `enfant`, `parent`,
  `frere_soeur`, `autre`. On the first row of a household (and on a row of its own) it is
  empty or `principal`; on the household's other rows it is anything but `principal`.
- `languages` (`langues`), optional: free text, 200 characters at most.
- `vulnerabilities` (`vulnerabilites`), optional: codes separated by `;`, from
  `unaccompanied_minor`, `separated_child`, `single_parent`, `trafficking_victim`,
  `medical_condition`, `disability`, `elderly`, `gbv_survivor`, `pregnant`.
- `urgency` (`urgence`), optional, per household: `0`/`normal`/`normale` (the default),
  `1`/`high`/`haute`, `2`/`urgent`/`urgente`.
- `reason` (`motif`), required, per household: why the person is referred.
- `contact_phone` (`telephone`), optional, per household: 32 characters at most.
- `office` (`bureau`), required, per household: the code of the active IOM office the
  referral is for (`RBA`).
- `consent_given_on` (`date_consentement`), required, per household: the date the person
  agreed to their data being shared with IOM, written as `date_of_birth`, not in the
  future.
- `consent_taken_by` (`consentement_recueilli_par`), required, per household: who at the
  NGO took that consent, 200 characters at most.

"Required" means that the column's header must be present and, for a person's values,
that the cell is filled on every row; for the per-household values, on the first row of
each household. There must be a `date_of_birth` or an `age` column (or both), and one of
the two cells filled on every row.

Flow: `parse_referral_file` checks the whole file and gives every fault with its row and
column (`ImportResult.errors`); `referral_import_submit` then submits every referral in one
transaction, or none. `referral_template_xlsx` and `referral_template_csv` give the file
to fill, with two example rows (a mother and her child).
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import IO, TypeVar

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.data import COUNTRIES
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from avrr.models import Organisation, User
from cases.models import MAX_AGE, Relationship, Sex, VulnerabilityCode
from cases.names import name_tokens
from cases.referrals import services
from cases.referrals.models import Referral, Urgency
from cases.referrals.services import ReferralData, ReferredPersonData

MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024
# A worksheet may carry thousands of formatted but empty rows or columns; past these
# bounds the file is not a referral list.
MAX_SCANNED_ROWS = 20 * MAX_ROWS
MAX_COLUMNS = 100
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

Cell = str | int | float | bool | date | datetime | time | timedelta | None
_T = TypeVar("_T")

# Columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    french: str
    required: bool
    help: Promise
    per_household: bool = False
    max_length: int = 0


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
    Column("family_name", "nom", True, gettext_lazy("Nom de famille."), max_length=100),
    Column("given_name", "prenom", True, gettext_lazy("Prénom(s)."), max_length=100),
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
    ),
)
_BY_NAME = {column.name: column for column in COLUMNS}


def _key(text: str) -> str:
    """`" Date-Naissance "` → `"date_naissance"`: no accents, lower case, `_` for spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s\-]+", "_", plain.strip().lower())


_HEADERS = {_key(name): column.name for column in COLUMNS for name in (column.name, column.french)}

_SEXES = {
    "m": Sex.MALE,
    "h": Sex.MALE,
    "homme": Sex.MALE,
    "male": Sex.MALE,
    "f": Sex.FEMALE,
    "femme": Sex.FEMALE,
    "female": Sex.FEMALE,
}
_RELATIONSHIPS = {
    **{value: Relationship(value) for value in Relationship.values},
    "conjoint": Relationship.SPOUSE,
    "conjointe": Relationship.SPOUSE,
    "enfant": Relationship.CHILD,
    "frere_soeur": Relationship.SIBLING,
    "autre": Relationship.OTHER,
}
_URGENCIES = {
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

# Countries ------------------------------------------------------------------------------

# Names people write that are in neither language's list.
_COUNTRY_ALIASES = {
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "rdc": "CD",
    "rd congo": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "guinee conakry": "GN",
    "guinea conakry": "GN",
    "centrafrique": "CF",
    "burkina": "BF",
}


def _country_key(name: str) -> str:
    return " ".join(name_tokens(name))


@cache
def _country_names() -> dict[str, str]:
    """Country names in English and French (current and former), reduced by `_country_key`."""
    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        found.setdefault(_country_key(name), set()).add(code)
        if "(" in name:  # "Bolivie (État plurinational de)" is also "Bolivie"
            found.setdefault(_country_key(name.split("(")[0]), set()).add(code)

    for language in ("en", "fr"):
        with translation.override(language):
            for code, name in countries:
                add(name, code)
            for code, official in COUNTRIES.items():
                add(force_str(official), code)
            for code, former in countries.shadowed_names.items():
                for name in former:
                    add(force_str(name), code)
    names = {key: next(iter(codes)) for key, codes in found.items() if key and len(codes) == 1}
    names.update(_COUNTRY_ALIASES)
    return names


def country_code(value: str) -> str:
    """The ISO alpha-2 code of a country given by code or name; "" when unknown.

    `country_code("GIN")` == `country_code("guinée")` == `country_code("Guinea")` == "GN".
    """
    text = value.strip()
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = countries.alpha2(text)
        if code:
            return code
    return _country_names().get(_country_key(text), "")


# Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A fault (or a warning) at a place in the file.

    `row` is the row number the spreadsheet shows (the header is row 1), None for the file
    as a whole; `column` is the header as written in the file ("" for the whole row or file).
    """

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("Ligne %(row)s : %(message)s") % {"row": self.row, "message": self.message}
        return _("Ligne %(row)s, colonne « %(column)s » : %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    """What a file holds: the referrals, and every fault found in it.

    `referrals` holds the households without faults, in the file's order (`first_rows`
    gives the row of each one's principal person); nothing is submitted while `errors`
    is not empty.
    """

    referrals: list[ReferralData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    first_rows: list[int] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.referrals)


class _Bad(Exception):
    """A cell's value is wrong; the message says why."""


# Reading the file -----------------------------------------------------------------------

_Rows = list[tuple[int, list[Cell]]]


def _not_a_spreadsheet() -> str:
    return _(
        "Ce fichier n'est ni un CSV en UTF-8 ni un classeur XLSX. Dans Excel, enregistrez-le "
        "au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 »."
    )


def _read_limited(upload: File[bytes] | IO[bytes] | bytes) -> bytes | None:
    """The file's content, or None when it is larger than MAX_BYTES."""
    if isinstance(upload, bytes):
        data = upload
    elif isinstance(upload, File):
        if upload.size is not None and upload.size > MAX_BYTES:
            return None
        parts, total = [], 0
        for chunk in upload.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total > MAX_BYTES:
                return None
        data = b"".join(parts)
    else:
        data = upload.read(MAX_BYTES + 1)
    return None if len(data) > MAX_BYTES else data


def _too_many_rows() -> RowError:
    return RowError(
        None,
        "",
        _(
            "Le fichier compte plus de %(max)s lignes de personnes : découpez-le en plusieurs "
            "fichiers de %(max)s lignes au plus."
        )
        % {"max": MAX_ROWS},
    )


def _is_blank(cells: Iterable[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


_CELL_TYPES = (str, int, float, bool, date, datetime, time, timedelta)


def _numbered(rows: Iterable[Sequence[object]]) -> Iterator[tuple[int, list[Cell]]]:
    """Rows numbered from 1; values of other kinds (formulas, rich text) as their text."""
    for number, cells in enumerate(rows, start=1):
        yield (
            number,
            [
                cell if cell is None or isinstance(cell, _CELL_TYPES) else str(cell)
                for cell in cells
            ],
        )


def _collect(numbered: Iterable[tuple[int, list[Cell]]]) -> tuple[_Rows, RowError | None]:
    """Non-empty rows, up to the limit; the header row is always kept."""
    rows: _Rows = []
    for number, cells in numbered:
        if number > MAX_SCANNED_ROWS:
            return rows, _too_many_rows()
        if number > 1 and _is_blank(cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            return rows, _too_many_rows()
    return rows, None


def _read_csv(data: bytes) -> tuple[_Rows, RowError | None]:
    if b"\x00" in data:
        return [], RowError(None, "", _not_a_spreadsheet())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], RowError(None, "", _not_a_spreadsheet())
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect(_numbered(reader))
    except csv.Error:
        return [], RowError(None, "", _not_a_spreadsheet())


def _read_xlsx(data: bytes) -> tuple[_Rows, RowError | None]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl and zipfile raise many kinds for a damaged file
        return [], RowError(None, "", _not_a_spreadsheet())
    try:
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            return [], RowError(None, "", _("La première feuille du classeur est vide."))
        values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _collect(_numbered(values))
    except Exception:
        return [], RowError(None, "", _not_a_spreadsheet())
    finally:
        workbook.close()


# Cell values ----------------------------------------------------------------------------


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        if cell.time() == time():
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _date(cell: Cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    if not text:
        return None
    if isinstance(cell, str):
        for pattern, form in (
            (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
            (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
        ):
            if re.fullmatch(pattern, text):
                try:
                    return datetime.strptime(text, form).date()
                except ValueError:
                    break
    raise _Bad(
        _("Date non reconnue : « %(value)s ». Écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA.")
        % {"value": text}
    )


def _age(cell: Cell) -> int | None:
    text = _text(cell)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,3}", text) or int(text) > MAX_AGE:
        raise _Bad(
            _(
                "Âge non reconnu : « %(value)s ». Indiquez un nombre entier d'années, "
                "de 0 à %(max)s."
            )
            % {"value": text, "max": MAX_AGE}
        )
    return int(text)


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


# Checking the rows ----------------------------------------------------------------------


class _Row:
    """One row of people, with the columns found in the header."""

    def __init__(
        self,
        number: int,
        cells: list[Cell],
        columns: dict[str, tuple[int, str]],
        errors: list[RowError],
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.errors = errors
        self.faults = 0

    def header(self, name: str) -> str:
        """The column's header as written in the file (its English name when absent)."""
        return self.columns[name][1] if name in self.columns else name

    def cell(self, name: str) -> Cell:
        if name not in self.columns:
            return None
        index = self.columns[name][0]
        return self.cells[index] if index < len(self.cells) else None

    def text(self, name: str) -> str:
        return _text(self.cell(name))

    def error(self, name: str, message: str) -> None:
        self.faults += 1
        self.errors.append(RowError(self.number, self.header(name), message))

    def checked(self, name: str, read: Callable[[Cell], _T]) -> _T | None:
        """`read` applied to the cell; None, with the fault noted, when it refuses it."""
        try:
            return read(self.cell(name))
        except _Bad as problem:
            self.error(name, str(problem))
            return None

    def required_text(self, name: str) -> str:
        value = self.text(name)
        column = _BY_NAME[name]
        if not value:
            self.error(name, _("Cette case est obligatoire."))
        elif column.max_length and len(value) > column.max_length:
            self.error(
                name,
                _("Texte trop long : %(max)s caractères au plus.") % {"max": column.max_length},
            )
        return value

    def optional_text(self, name: str) -> str:
        value = self.text(name)
        column = _BY_NAME[name]
        if column.max_length and len(value) > column.max_length:
            self.error(
                name,
                _("Texte trop long : %(max)s caractères au plus.") % {"max": column.max_length},
            )
        return value

    def past_date(self, name: str, *, required: bool) -> date | None:
        value = self.checked(name, _date)
        if value is None:
            if required and not self.text(name):
                self.error(name, _("Cette case est obligatoire."))
            return None
        if value > timezone.localdate():
            self.error(name, _("La date est dans le futur."))
            return None
        return value


def _person(row: _Row) -> ReferredPersonData | None:
    family_name = row.required_text("family_name")
    given_name = row.required_text("given_name")

    sex = _SEXES.get(_key(row.text("sex")))
    if sex is None:
        if row.text("sex"):
            row.error(
                "sex",
                _("Sexe non reconnu : « %(value)s ». Indiquez M ou F (H accepté pour homme).")
                % {"value": row.text("sex")},
            )
        else:
            row.error("sex", _("Cette case est obligatoire."))

    birth_date = row.past_date("date_of_birth", required=False)
    if birth_date is not None and birth_date < EARLIEST_BIRTH_DATE:
        row.error("date_of_birth", _("Date de naissance invraisemblable."))
    age = row.checked("age", _age)
    if not row.text("date_of_birth") and not row.text("age"):
        row.error(
            "date_of_birth" if "date_of_birth" in row.columns else "age",
            _("Indiquez la date de naissance ou, à défaut, l'âge."),
        )

    nationality = ""
    if not row.text("nationality"):
        row.error("nationality", _("Cette case est obligatoire."))
    else:
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

    languages = row.optional_text("languages")

    codes = [_key(code) for code in row.text("vulnerabilities").split(";") if code.strip()]
    unknown = sorted(set(codes) - set(VulnerabilityCode.values))
    if unknown:
        row.error(
            "vulnerabilities",
            _("Vulnérabilité inconnue : %(codes)s.") % {"codes": ", ".join(unknown)},
        )

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
        vulnerabilities=list(dict.fromkeys(codes)),
    )


def _relationship(row: _Row, *, first_row: int | None, household: str) -> str | None:
    """The person's relationship; `first_row` is the household principal's row, if another."""
    value = row.text("relationship")
    relationship = _RELATIONSHIPS.get(_key(value)) if value else None
    if value and relationship is None:
        row.error(
            "relationship",
            _("Lien non reconnu : « %(value)s ». Valeurs acceptées : %(values)s.")
            % {
                "value": value,
                "values": _choices(
                    [*Relationship.values, "conjoint", "enfant", "frere_soeur", "autre"]
                ),
            },
        )
        return None
    if first_row is None:
        if relationship not in (None, Relationship.PRINCIPAL):
            row.error(
                "relationship",
                _(
                    "La première ligne d'un foyer est la personne principale : laissez ce lien "
                    "vide ou indiquez « principal »."
                ),
            )
            return None
        return Relationship.PRINCIPAL
    if relationship is None:
        row.error(
            "relationship",
            _(
                "Indiquez le lien de cette personne avec la personne principale du foyer "
                "(ligne %(row)s)."
            )
            % {"row": first_row},
        )
        return None
    if relationship == Relationship.PRINCIPAL:
        row.error(
            "relationship",
            _(
                "Le foyer « %(household)s » a déjà sa personne principale, ligne %(row)s : "
                "indiquez le lien de cette personne avec elle."
            )
            % {"household": household, "row": first_row},
        )
        return None
    return relationship


class _Offices:
    """IOM offices by code, looked up once each."""

    def __init__(self) -> None:
        self.known: dict[str, Organisation | None] = {}

    def get(self, code: str) -> Organisation | None:
        code = code.strip().upper()
        if code not in self.known:
            self.known[code] = Organisation.objects.filter(
                code=code, kind=Organisation.Kind.IOM_OFFICE, is_active=True
            ).first()
        return self.known[code]


@dataclass
class _Household:
    key: str
    first: _Row
    people: list[ReferredPersonData] = field(default_factory=list)
    faulty: bool = False
    data: ReferralData | None = None


def _referral(
    row: _Row, people: list[ReferredPersonData], offices: _Offices
) -> ReferralData | None:
    """The referral's own values, from its household's first row."""
    faults = row.faults

    urgency = Urgency.NORMAL
    if row.text("urgency"):
        found = _URGENCIES.get(_key(row.text("urgency")))
        if found is None:
            row.error(
                "urgency",
                _("Urgence non reconnue : « %(value)s ». Valeurs acceptées : %(values)s.")
                % {"value": row.text("urgency"), "values": _choices(_URGENCIES)},
            )
        else:
            urgency = found

    reason = row.required_text("reason")
    contact_phone = row.optional_text("contact_phone")

    office = None
    if row.text("office"):
        office = offices.get(row.text("office"))
        if office is None:
            row.error(
                "office",
                _("« %(code)s » n'est pas le code d'un bureau de l'OIM (ex. RBA).")
                % {"code": row.text("office")},
            )
    else:
        row.error("office", _("Cette case est obligatoire."))

    consent_given_on = row.past_date("consent_given_on", required=True)
    consent_taken_by = row.required_text("consent_taken_by")

    if row.faults > faults or office is None:
        return None
    return ReferralData(
        office=office,
        people=people,
        reason=reason,
        consent_given_on=consent_given_on,
        consent_taken_by=consent_taken_by,
        urgency=urgency,
        contact_phone=contact_phone,
    )


def _check_header(header: list[Cell], result: ImportResult) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        name = _HEADERS.get(_key(text))
        if name is None:
            result.warnings.append(RowError(1, text, _("Colonne inconnue : elle est ignorée.")))
        elif name in columns:
            result.errors.append(
                RowError(
                    1,
                    text,
                    _("Cette colonne apparaît deux fois (aussi « %(other)s »).")
                    % {"other": columns[name][1]},
                )
            )
        else:
            columns[name] = (index, text)
    for column in COLUMNS:
        if column.required and column.name not in columns:
            result.errors.append(
                RowError(
                    1,
                    column.name,
                    _("Colonne obligatoire absente (en français : « %(french)s »).")
                    % {"french": column.french},
                )
            )
    if "date_of_birth" not in columns and "age" not in columns:
        result.errors.append(
            RowError(
                1,
                "date_of_birth",
                _("Il faut une colonne date_of_birth (date_naissance) ou age, ou les deux."),
            )
        )
    return columns


def _check_rows(rows: _Rows, result: ImportResult) -> None:
    header_number, header = rows[0]
    if header_number != 1 or _is_blank(header):
        result.errors.append(RowError(1, "", _("La ligne 1 doit porter les noms des colonnes.")))
        return
    columns = _check_header(header, result)
    if result.errors:
        return
    people_rows = rows[1:]
    if not people_rows:
        result.errors.append(RowError(None, "", _("Le fichier ne contient aucune personne.")))
        return

    offices = _Offices()
    households: list[_Household] = []
    by_key: dict[str, _Household] = {}
    for number, cells in people_rows:
        row = _Row(number, cells, columns, result.errors)
        household_name = row.text("household")
        key = household_name.casefold()
        household = by_key.get(key) if key else None
        person = _person(row)
        relationship = _relationship(
            row,
            first_row=household.first.number if household is not None else None,
            household=household_name,
        )
        if household is None:
            household = _Household(key=key, first=row)
            households.append(household)
            if key:
                by_key[key] = household
            household.data = _referral(row, household.people, offices)
        else:
            _warn_ignored(row, household.first, result)
        if person is None or relationship is None or row.faults:
            household.faulty = True
        else:
            person.relationship = relationship
            household.people.append(person)

    for household in households:
        if household.data is not None and not household.faulty:
            result.referrals.append(household.data)
            result.first_rows.append(household.first.number)


def _warn_ignored(row: _Row, first: _Row, result: ImportResult) -> None:
    for column in COLUMNS:
        if not column.per_household:
            continue
        value = row.text(column.name)
        if value and value != first.text(column.name):
            result.warnings.append(
                RowError(
                    row.number,
                    row.header(column.name),
                    _(
                        "Valeur ignorée : pour un foyer, seule celle de sa première ligne "
                        "(ligne %(row)s) compte."
                    )
                    % {"row": first.number},
                )
            )


def parse_referral_file(upload: File[bytes] | IO[bytes] | bytes, *, filename: str) -> ImportResult:
    """Read and check a file of referrals (see the module's documentation for its format).

    Reports every fault of every row; writes nothing.
    """
    result = ImportResult()
    data = _read_limited(upload)
    if data is None:
        result.errors.append(
            RowError(
                None,
                "",
                _("Le fichier dépasse %(size)s Mo.") % {"size": MAX_BYTES // (1024 * 1024)},
            )
        )
        return result
    if data.startswith(b"PK\x03\x04"):
        rows, problem = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith((".xlsx", ".xls")):
        rows, problem = [], RowError(None, "", _not_a_spreadsheet())
    else:
        rows, problem = _read_csv(data)
    if problem is not None:
        result.errors.append(problem)
        return result
    if not rows:
        result.errors.append(RowError(None, "", _("Le fichier est vide.")))
        return result
    _check_rows(rows, result)
    return result


# Submission -----------------------------------------------------------------------------


@transaction.atomic
def referral_import_submit(*, actor: User, result: ImportResult) -> list[Referral]:
    """Submit every referral of a checked file, all or none.

    A file with faults is refused; if any referral is refused on submission, none is kept
    and the ValidationError is raised again.
    """
    if result.errors or not result.referrals:
        raise ValidationError(
            _(
                "Le fichier comporte des erreurs : corrigez-les et envoyez-le de nouveau. "
                "Aucun référencement n'a été enregistré."
            )
        )
    referrals = []
    for data in result.referrals:
        referral, _created = services.referral_submit(actor=actor, data=data)
        referrals.append(referral)
    return referrals


# Templates ------------------------------------------------------------------------------

_EXAMPLE_CONSENT = date(2025, 1, 10)


def _example_rows() -> list[dict[str, Cell]]:
    return [
        {
            "household": "F1",
            "family_name": "Konaté",
            "given_name": "Aminata",
            "sex": "F",
            "date_of_birth": date(1996, 2, 11),
            "nationality": "CI",
            "relationship": "principal",
            "languages": "français, dioula",
            "vulnerabilities": "single_parent",
            "urgency": "high",
            "reason": "Souhaite rentrer auprès de sa famille à Abidjan.",
            "contact_phone": "+212 600 00 00 00",
            "office": "RBA",
            "consent_given_on": _EXAMPLE_CONSENT,
            "consent_taken_by": "Fatou Diallo",
        },
        {
            "household": "F1",
            "family_name": "Konaté",
            "given_name": "Moussa",
            "sex": "M",
            "age": 4,
            "nationality": "Côte d'Ivoire",
            "relationship": "child",
            "languages": "dioula",
        },
    ]


def _help_rows() -> Iterator[list[str]]:
    yield [_("Colonne"), _("En français"), _("Obligatoire"), _("Explication")]
    for column in COLUMNS:
        if column.required:
            required = _("Oui")
        elif column.name in ("date_of_birth", "age"):
            required = _("La date de naissance ou l'âge")
        elif column.name == "relationship":
            required = _("Sauf sur la première ligne d'un foyer")
        else:
            required = _("Non")
        explanation = str(column.help)
        if column.per_household:
            explanation += " " + _("Une valeur par foyer : celle de sa première ligne.")
        yield [column.name, column.french, required, explanation]
    yield []
    yield [
        _("Généralités"),
        "",
        "",
        _(
            "Une ligne par personne. Les en-têtes peuvent être écrits en anglais ou en français. "
            "Dates : AAAA-MM-JJ ou JJ/MM/AAAA. %(max)s lignes et %(size)s Mo au plus par fichier."
        )
        % {"max": MAX_ROWS, "size": MAX_BYTES // (1024 * 1024)},
    ]
    yield []
    yield [_("Codes de vulnérabilité (vulnerabilities)"), "", "", _("Signification")]
    for code, label in VulnerabilityCode.choices:
        yield [code, "", "", str(label)]
    yield []
    yield [_("Liens (relationship)"), _("En français"), "", _("Signification")]
    french = {
        Relationship.PRINCIPAL: "principal",
        Relationship.SPOUSE: "conjoint",
        Relationship.CHILD: "enfant",
        Relationship.PARENT: "parent",
        Relationship.SIBLING: "frere_soeur",
        Relationship.OTHER: "autre",
    }
    for value, label in Relationship.choices:
        yield [value, french[Relationship(value)], "", str(label)]
    yield []
    yield [_("Urgence (urgency)"), _("En français"), "", _("Signification")]
    for number, english, french_word in (
        (Urgency.NORMAL, "normal", "normale"),
        (Urgency.HIGH, "high", "haute"),
        (Urgency.URGENT, "urgent", "urgente"),
    ):
        yield [f"{number.value} / {english}", french_word, "", str(number.label)]


def referral_template_xlsx() -> bytes:
    """The workbook to fill: headers and two example rows, and an "Aide" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # noqa: S101 -- a new workbook has one worksheet
    sheet.title = "Referrals"
    sheet.append([column.name for column in COLUMNS])
    for example in _example_rows():
        sheet.append([example.get(column.name) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        if column.name in ("date_of_birth", "consent_given_on"):
            for row in range(2, 4):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("Aide")
    for line in _help_rows():
        help_sheet.append(line)
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 34), ("B", 28), ("C", 24), ("D", 90)):
        help_sheet.column_dimensions[letter].width = width
    for row_cells in help_sheet.iter_rows():
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def referral_template_csv() -> str:
    """The same headers and example rows as CSV, `;`-separated as French Excel expects.

    It starts with a byte-order mark so that Excel reads it as UTF-8.
    """
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    for example in _example_rows():
        writer.writerow([_text(example.get(column.name)) for column in COLUMNS])
    return "\ufeff" + output.getvalue()
