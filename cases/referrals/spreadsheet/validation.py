"""A file's rows → its referrals, one per household, with every fault by row and column."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from avrr.models import Organisation
from avrr.spreadsheets import Upload
from cases.referrals.models import Urgency
from cases.referrals.services import ReferralData, ReferredPersonData
from cases.referrals.spreadsheet.cells import Cell, cell_text
from cases.referrals.spreadsheet.columns import COLUMNS, HEADERS, URGENCIES, as_key, choices
from cases.referrals.spreadsheet.people import read_person, read_relationship
from cases.referrals.spreadsheet.reading import Rows, is_blank, read_rows
from cases.referrals.spreadsheet.results import ImportResult, RowError
from cases.referrals.spreadsheet.rows import Columns, Row


def parse_referral_file(upload: Upload, *, filename: str) -> ImportResult:
    """Read and check a file of referrals (its format: docs/referral-spreadsheet.md).

    Reports every fault of every row; writes nothing.
    """
    result = ImportResult()
    rows, problem = read_rows(upload, filename=filename)
    if problem is not None:
        result.errors.append(problem)
        return result
    check_rows(rows, result)
    return result


def check_rows(rows: Rows, result: ImportResult) -> None:
    """Add the referrals of a file's rows to `result`, or the faults that stop them."""
    header_number, header = rows[0]
    if header_number != 1 or is_blank(header):
        result.errors.append(RowError(1, "", _("La ligne 1 doit porter les noms des colonnes.")))
        return
    columns = _check_header(header, result)
    if result.errors:
        return
    people_rows = rows[1:]
    if not people_rows:
        result.errors.append(RowError(None, "", _("Le fichier ne contient aucune personne.")))
        return
    for household in _households(people_rows, columns, result):
        if household.data is not None and not household.faulty:
            result.referrals.append(household.data)
            result.first_rows.append(household.first.number)


# The header -----------------------------------------------------------------------------


def _check_header(header: list[Cell], result: ImportResult) -> Columns:
    columns = _columns_found(header, result)
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


def _columns_found(header: list[Cell], result: ImportResult) -> Columns:
    """The known columns of the header; unknown ones are warned of, repeated ones refused."""
    columns: Columns = {}
    for index, cell in enumerate(header):
        text = cell_text(cell)
        if not text:
            continue
        name = HEADERS.get(as_key(text))
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
    return columns


# Households -----------------------------------------------------------------------------


@dataclass
class _Household:
    """`data` is the referral read from its first row; it shares `people`, which later rows join."""

    first: Row
    people: list[ReferredPersonData] = field(default_factory=list)
    faulty: bool = False
    data: ReferralData | None = None

    def add(self, row: Row, person: ReferredPersonData | None, relationship: str | None) -> None:
        if person is None or relationship is None or row.faults:
            self.faulty = True
        else:
            person.relationship = relationship
            self.people.append(person)


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


def _households(people_rows: Rows, columns: Columns, result: ImportResult) -> list[_Household]:
    """The households in the file's order; rows sharing a `household` value form one."""
    offices = _Offices()
    households: list[_Household] = []
    by_key: dict[str, _Household] = {}
    for number, cells in people_rows:
        row = Row(number, cells, columns, result.errors)
        name = row.text("household")
        key = name.casefold()
        household = by_key.get(key) if key else None
        person = read_person(row)
        relationship = read_relationship(
            row,
            first_row=household.first.number if household is not None else None,
            household=name,
        )
        if household is None:
            household = _Household(first=row)
            households.append(household)
            if key:
                by_key[key] = household
            household.data = _referral(row, household.people, offices)
        else:
            _warn_ignored(row, household.first, result)
        household.add(row, person, relationship)
    return households


def _warn_ignored(row: Row, first: Row, result: ImportResult) -> None:
    """A household's values on its later rows are ignored, with a warning when they differ."""
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


# The referral's own values --------------------------------------------------------------


def _referral(row: Row, people: list[ReferredPersonData], offices: _Offices) -> ReferralData | None:
    """The referral's own values, from its household's first row."""
    faults = row.faults
    urgency = _urgency(row)
    reason = row.required_text("reason")
    contact_phone = row.optional_text("contact_phone")
    office = _office(row, offices)
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


def _urgency(row: Row) -> Urgency:
    """Normal when the cell is empty (or wrong, with the fault noted)."""
    if not row.text("urgency"):
        return Urgency.NORMAL
    found = URGENCIES.get(as_key(row.text("urgency")))
    if found is None:
        row.error(
            "urgency",
            _("Urgence non reconnue : « %(value)s ». Valeurs acceptées : %(values)s.")
            % {"value": row.text("urgency"), "values": choices(URGENCIES)},
        )
        return Urgency.NORMAL
    return found


def _office(row: Row, offices: _Offices) -> Organisation | None:
    """The active IOM office of the code in the cell."""
    if not row.text("office"):
        row.error("office", _("Cette case est obligatoire."))
        return None
    office = offices.get(row.text("office"))
    if office is None:
        row.error(
            "office",
            _("« %(code)s » n'est pas le code d'un bureau de l'OIM (ex. RBA).")
            % {"code": row.text("office")},
        )
    return office
