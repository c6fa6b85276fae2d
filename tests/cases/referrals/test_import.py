"""Bulk referrals from a spreadsheet: reading CSV and XLSX, checking every row, submitting."""

import io
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django import Settings

from avrr.models import Organisation, User
from cases.referrals.models import Referral, ReferredPerson
from cases.referrals.services import ReferralData, ReferredPersonData, referral_submit_many
from cases.referrals.spreadsheet import (
    COLUMNS,
    MAX_ROWS,
    ImportResult,
    RowError,
    country_code,
    parse_referral_file,
    referral_template_xlsx,
)
from tests.avrr.zips import cells_bomb
from tests.cases.referrals.spreadsheets import template_csv


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def csv_bytes(lines: list[str], *, bom: bool = False) -> bytes:
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def submit(actor: User, result: ImportResult) -> list[Referral]:
    """What the bulk upload page does with a checked file: all its referrals, or none."""
    return referral_submit_many(actor=actor, referrals=result.referrals_to_submit())


def places(problems: list[RowError]) -> set[tuple[int | None, str]]:
    return {(problem.row, problem.column) for problem in problems}


def konate_family(office: Organisation, **overrides: object) -> ReferralData:
    """The referral the valid files below describe first."""
    values: dict[str, object] = {
        "office": office,
        "people": [
            ReferredPersonData(
                family_name="Konaté",
                given_name="Aminata",
                sex="F",
                nationality="CI",
                birth_date=date(1996, 2, 11),
                languages="français, dioula",
                vulnerabilities=["single_parent"],
            ),
            ReferredPersonData(
                family_name="Konaté",
                given_name="Moussa",
                sex="M",
                nationality="CI",
                relationship="child",
                age=4,
            ),
        ],
        "reason": "Souhaite rentrer auprès de sa famille à Abidjan.",
        "consent_given_on": date(2025, 1, 10),
        "consent_taken_by": "Fatou Diallo",
        "urgency": 1,
        "contact_phone": "+212 600 00 00 00",
    }
    values.update(overrides)
    return ReferralData(**values)  # type: ignore[arg-type]


def camara_alone(office: Organisation) -> ReferralData:
    return ReferralData(
        office=office,
        people=[
            ReferredPersonData(
                family_name="Camara",
                given_name="Ibrahima",
                sex="M",
                nationality="GN",
                birth_date=date(1990, 5, 3),
                vulnerabilities=["medical_condition", "disability"],
            )
        ],
        reason="Malade, veut être soigné au pays.",
        consent_given_on=date(2025, 2, 1),
        consent_taken_by="Paul Mendy",
        urgency=2,
    )


# Countries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("GN", "GN"),
        ("gin", "GN"),
        ("Guinée", "GN"),
        ("GUINEE", "GN"),
        ("Guinea", "GN"),
        ("Côte d'Ivoire", "CI"),
        ("cote d'ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("CIV", "CI"),
        ("Maroc", "MA"),
        ("Morocco", "MA"),
        ("Sénégal", "SN"),
        ("République démocratique du Congo", "CD"),
        ("Guinée-Bissau", "GW"),
        (" Mali ", "ML"),
        ("Cameroun", "CM"),
        ("XX", ""),
        ("Atlantide", ""),
        ("", ""),
    ],
)
def test_country_code_reads_codes_and_names_in_french_and_english(value: str, code: str) -> None:
    assert country_code(value) == code


# Valid files ----------------------------------------------------------------------------

FRENCH_CSV = [
    "Foyer,Nom,Prénom,Sexe,Date_Naissance,Age,Nationalité,Lien,Langues,Vulnérabilités,"
    "Urgence,Motif,Téléphone,Bureau,Date_Consentement,Consentement_Recueilli_Par",
    'F1,Konaté,Aminata,F,1996-02-11,,Côte d\'Ivoire,,"français, dioula",single_parent,'
    "haute,Souhaite rentrer auprès de sa famille à Abidjan.,+212 600 00 00 00,RBA,"
    "10/01/2025,Fatou Diallo",
    "F1,Konaté,Moussa,M,,4,CIV,enfant,,,,,,,,",
    "",
    ",Camara,Ibrahima,H,03/05/1990,,Guinée,,,medical_condition; disability,2,"
    '"Malade, veut être soigné au pays.",,rba,2025-02-01,Paul Mendy',
]


def test_csv_with_bom_and_french_headers_gives_the_referrals(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    result = parse_referral_file(csv_bytes(FRENCH_CSV, bom=True), filename="liste.csv")

    assert result.errors == []
    assert result.warnings == []
    assert result.referrals == [konate_family(office_rabat), camara_alone(office_rabat)]
    assert result.first_rows == [2, 5]  # the empty row 4 still counts
    assert result.is_valid


def test_semicolon_csv_with_english_headers_in_any_case(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    lines = [
        " HOUSEHOLD ;Family_Name;given_name;sex;date_of_birth;age;nationality;relationship;"
        "languages;vulnerabilities;urgency;reason;contact_phone;office;consent_given_on;"
        "consent_taken_by",
        "f1;Konaté;Aminata;f;11/02/1996;;CI;principal;français, dioula;single_parent;high;"
        "Souhaite rentrer auprès de sa famille à Abidjan.;+212 600 00 00 00;RBA;2025-01-10;"
        "Fatou Diallo",
        "F1;Konaté;Moussa;M;;4;Ivory Coast;child;;;;;;;;",
    ]

    result = parse_referral_file(
        SimpleUploadedFile("referrals.csv", csv_bytes(lines), "text/csv"),
        filename="referrals.csv",
    )

    assert result.errors == []
    assert result.referrals == [konate_family(office_rabat)]


def test_xlsx_with_date_cells_gives_the_referrals(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    content = xlsx_bytes(
        [
            [column.name for column in COLUMNS],
            [
                "F1",
                "Konaté",
                "Aminata",
                "F",
                date(1996, 2, 11),
                None,
                "CI",
                None,
                "français, dioula",
                "single_parent",
                1,
                "Souhaite rentrer auprès de sa famille à Abidjan.",
                "+212 600 00 00 00",
                "RBA",
                # A spreadsheet's date cell: openpyxl gives it without a time zone.
                datetime(2025, 1, 10, 0, 0),  # noqa: DTZ001
                "Fatou Diallo",
            ],
            ["F1", "Konaté", "Moussa", "M", None, 4.0, "CI", "child"],
            [],
            [
                None,
                "Camara",
                "Ibrahima",
                "M",
                "1990-05-03",
                None,
                "GIN",
                "",
                None,
                "medical_condition;disability",
                "urgente",
                "Malade, veut être soigné au pays.",
                None,
                "RBA",
                date(2025, 2, 1),
                "Paul Mendy",
            ],
        ]
    )

    result = parse_referral_file(io.BytesIO(content), filename="referrals.xlsx")

    assert result.errors == []
    assert result.referrals == [konate_family(office_rabat), camara_alone(office_rabat)]
    assert result.first_rows == [2, 5]


def test_submitting_a_valid_file_saves_every_referral_with_its_people(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    result = parse_referral_file(csv_bytes(FRENCH_CSV, bom=True), filename="liste.csv")

    referrals = submit(ngo_referrer, result)

    assert Referral.objects.count() == 2
    konate, camara = referrals
    assert konate.organisation == ngo_referrer.organisation
    assert konate.office == office_rabat
    assert konate.urgency == 1
    assert konate.consent_given_on == date(2025, 1, 10)
    assert [
        (p.relationship, p.given_name, p.birth_date, p.age, str(p.nationality))
        for p in konate.people.all()
    ] == [
        ("principal", "Aminata", date(1996, 2, 11), None, "CI"),
        ("child", "Moussa", None, 4, "CI"),
    ]
    assert camara.urgency == 2
    assert camara.people.get().vulnerabilities == ["disability", "medical_condition"]


def test_submission_is_all_or_nothing(ngo_referrer: User, office_rabat: Organisation) -> None:
    result = parse_referral_file(csv_bytes(FRENCH_CSV), filename="liste.csv")
    result.referrals[1].reason = " "  # refused by referral_submit, after the first is saved

    with pytest.raises(ValidationError):
        submit(ngo_referrer, result)

    assert Referral.objects.count() == 0
    assert ReferredPerson.objects.count() == 0


def test_a_result_with_errors_is_not_submitted(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    result = ImportResult(
        referrals=[konate_family(office_rabat)], errors=[RowError(3, "sex", "Sexe non reconnu")]
    )

    with pytest.raises(ValidationError):
        submit(ngo_referrer, result)

    assert Referral.objects.count() == 0


# Faulty files ---------------------------------------------------------------------------

HEADER = ",".join(column.name for column in COLUMNS)
GOOD = "Konaté,Aminata,F,1996-02-11,,CI"
REFERRAL = "Souhaite rentrer.,,RBA,2025-01-10,Fatou Diallo"


def faulty_file() -> bytes:
    future = (timezone.localdate() + timedelta(days=40)).isoformat()
    return csv_bytes(
        [
            HEADER,
            f",{GOOD},,,,,{REFERRAL}",  # 2: valid
            f",Diallo,Awa,X,1990-01-01,,SN,,,,,{REFERRAL}",  # 3: sex
            f",Diallo,Awa,F,{future},,SN,,,,,{REFERRAL}",  # 4: birth date
            f",Diallo,Awa,F,1990-01-01,,Wakanda,,,,,{REFERRAL}",  # 5: nationality
            f",Diallo,Awa,F,1990-01-01,,SN,,,pregnant;hungry,,{REFERRAL}",  # 6: vulnerability
            ",Diallo,Awa,F,1990-01-01,,SN,,,,,,,RBA,2025-01-10,Fatou Diallo",  # 7: reason
            f"H1,{GOOD},,,,,{REFERRAL}",  # 8: principal of H1
            "H1,Konaté,Moussa,M,,4,CI,principal,,,,,,,,",  # 9: second principal
            ",Diallo,Awa,F,1990-01-01,,SN,,,,,Rentrer.,,XYZ,2025-01-10,Fatou Diallo",  # 10
            ",Diallo,Awa,F,1990-01-01,,SN,,,,,Rentrer.,,RBA,,",  # 11: no consent
            f",Diallo,Awa,F,31/02/1990,abc,SN,,,,,{REFERRAL}",  # 12: bad date and age
        ]
    )


def test_every_faulty_row_is_reported_with_its_column(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    result = parse_referral_file(faulty_file(), filename="faulty.csv")

    assert places(result.errors) == {
        (3, "sex"),
        (4, "date_of_birth"),
        (5, "nationality"),
        (6, "vulnerabilities"),
        (7, "reason"),
        (9, "relationship"),
        (10, "office"),
        (11, "consent_given_on"),
        (11, "consent_taken_by"),
        (12, "date_of_birth"),
        (12, "age"),
    }
    # Only the valid row 2 makes a referral; household H1 is faulty as a whole.
    assert result.first_rows == [2]
    assert not result.is_valid


def test_a_faulty_file_saves_nothing(ngo_referrer: User, office_rabat: Organisation) -> None:
    before = Referral.objects.count()
    result = parse_referral_file(faulty_file(), filename="faulty.csv")

    with pytest.raises(ValidationError):
        submit(ngo_referrer, result)

    assert Referral.objects.count() == before
    assert ReferredPerson.objects.count() == 0


def test_messages_are_in_french_by_default(office_rabat: Organisation) -> None:
    result = parse_referral_file(faulty_file(), filename="faulty.csv")
    messages = {(problem.row, problem.column): problem.message for problem in result.errors}

    assert messages[(3, "sex")] == (
        "Sexe non reconnu : « X ». Indiquez M ou F (H accepté pour homme)."
    )
    assert messages[(4, "date_of_birth")] == "La date est dans le futur."
    assert messages[(5, "nationality")].startswith("Pays non reconnu : « Wakanda ».")
    assert messages[(6, "vulnerabilities")] == "Vulnérabilité inconnue : hungry."
    assert messages[(7, "reason")] == "Cette case est obligatoire."
    assert messages[(9, "relationship")].startswith(
        "Le foyer « H1 » a déjà sa personne principale, ligne 8"
    )
    assert messages[(10, "office")] == "« XYZ » n'est pas le code d'un bureau de l'OIM (ex. RBA)."
    assert messages[(12, "date_of_birth")].startswith("Date non reconnue : « 31/02/1990 »")
    assert str(result.errors[0]) == (
        "Ligne 3, colonne « sex » : Sexe non reconnu : « X ». Indiquez M ou F (H accepté pour "
        "homme)."
    )


def test_messages_follow_the_users_language(office_rabat: Organisation) -> None:
    with translation.override("en"):
        result = parse_referral_file(faulty_file(), filename="faulty.csv")
    messages = {(problem.row, problem.column): problem.message for problem in result.errors}

    assert messages[(4, "date_of_birth")] == "The date is in the future."
    assert messages[(6, "vulnerabilities")] == "Unknown vulnerability: hungry."
    assert messages[(7, "reason")] == "This cell is required."
    with translation.override("ar"):
        result = parse_referral_file(faulty_file(), filename="faulty.csv")
    assert {problem.message for problem in result.errors if problem.row == 7} == {
        "هذه الخانة إلزامية."
    }


def test_errors_name_the_columns_as_the_file_writes_them(office_rabat: Organisation) -> None:
    lines = [
        "NOM,Prénom,Sexe,Age,Nationalité,Motif,Bureau,Date_Consentement,Consentement_Recueilli_Par",
        "Diallo,Awa,Z,30,SN,Rentrer.,RBA,2025-01-10,Fatou Diallo",
    ]

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert places(result.errors) == {(2, "Sexe")}


def test_household_rows_need_their_relationship_and_the_first_is_the_principal(
    office_rabat: Organisation,
) -> None:
    lines = [
        HEADER,
        f"H1,{GOOD},child,,,,{REFERRAL}",  # first row of H1, but not its principal
        "H2,Konaté,Aminata,F,1996-02-11,,CI,,,,,Rentrer.,,RBA,2025-01-10,Fatou Diallo",
        "H2,Konaté,Moussa,M,,4,CI,,,,,,,,,",  # no relationship
        "h2,Konaté,Awa,F,,2,CI,fille,,,,,,,,",  # unknown relationship
    ]

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert places(result.errors) == {(2, "relationship"), (4, "relationship"), (5, "relationship")}
    assert "(ligne 3)" in next(e.message for e in result.errors if e.row == 4)


def test_a_household_value_on_a_later_row_is_ignored_with_a_warning(
    office_rabat: Organisation,
) -> None:
    lines = [
        HEADER,
        f"H1,{GOOD},,,,,{REFERRAL}",
        "H1,Konaté,Moussa,M,,4,CI,child,,,,Autre motif,,RBA,2025-01-10,",
    ]

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert result.errors == []
    assert places(result.warnings) == {(3, "reason")}
    assert result.referrals[0].reason == "Souhaite rentrer."
    assert len(result.referrals[0].people) == 2


def test_an_inactive_office_or_a_mission_is_not_an_office(office_rabat: Organisation) -> None:
    Organisation.objects.create(name="OIM Tanger", code="TNG", is_active=False, kind="iom_office")
    Organisation.objects.create(name="OIM Mali", code="MLI", kind="iom_mission", country="ML")
    lines = [
        HEADER,
        ",Diallo,Awa,F,1990-01-01,,SN,,,,,Rentrer.,,TNG,2025-01-10,Fatou Diallo",
        ",Diallo,Awa,F,1990-01-01,,SN,,,,,Rentrer.,,MLI,2025-01-10,Fatou Diallo",
    ]

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert places(result.errors) == {(2, "office"), (3, "office")}


def test_unknown_columns_are_a_warning(office_rabat: Organisation) -> None:
    lines = [
        HEADER + ",Remarque",
        f",{GOOD},,,,,{REFERRAL},à rappeler",
    ]

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert result.errors == []
    assert places(result.warnings) == {(1, "Remarque")}
    assert result.warnings[0].message == "Colonne inconnue : elle est ignorée."
    assert len(result.referrals) == 1


def test_missing_required_columns_are_errors_on_the_header(office_rabat: Organisation) -> None:
    lines = ["nom,prenom,sexe,nationalite,nom", "Diallo,Awa,F,SN,Diallo"]

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert places(result.errors) == {
        (1, "nom"),  # twice
        (1, "reason"),
        (1, "office"),
        (1, "consent_given_on"),
        (1, "consent_taken_by"),
        (1, "date_of_birth"),  # neither it nor age
    }
    assert result.referrals == []


def test_too_many_rows_is_refused(office_rabat: Organisation) -> None:
    lines = [HEADER] + [f",{GOOD},,,,,{REFERRAL}"] * (MAX_ROWS + 1)

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert [error.message for error in result.errors] == [
        f"Le fichier compte plus de {MAX_ROWS} lignes de personnes : découpez-le en plusieurs "
        f"fichiers de {MAX_ROWS} lignes au plus."
    ]
    assert result.referrals == []


def test_the_row_limit_itself_is_accepted(office_rabat: Organisation) -> None:
    lines = [HEADER] + [f",{GOOD},,,,,{REFERRAL}"] * MAX_ROWS

    result = parse_referral_file(csv_bytes(lines), filename="f.csv")

    assert result.errors == []
    assert len(result.referrals) == MAX_ROWS


def test_too_large_a_file_is_refused(office_rabat: Organisation) -> None:
    content = csv_bytes([HEADER]) + b" " * (2 * 1024 * 1024)

    for upload in (content, io.BytesIO(content), SimpleUploadedFile("big.csv", content)):
        result = parse_referral_file(upload, filename="big.csv")
        assert [error.message for error in result.errors] == ["Le fichier dépasse 2 Mo."]


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\x00\x01\x02binary", "photo.csv"),
        ("nom;prénom\nDiallo;Awa\n".encode("latin-1"), "latin1.csv"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "old.xls"),
        (b"nom,prenom\n", "renamed.xlsx"),
    ],
)
def test_a_file_that_is_no_spreadsheet_gets_a_clear_error(content: bytes, filename: str) -> None:
    result = parse_referral_file(content, filename=filename)

    assert [error.message for error in result.errors] == [
        "Ce fichier n'est ni un CSV en UTF-8 ni un classeur XLSX. Dans Excel, enregistrez-le "
        "au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 »."
    ]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_an_empty_file_is_an_error(content: bytes) -> None:
    result = parse_referral_file(content, filename="vide.csv")

    assert len(result.errors) == 1
    assert result.referrals == []


def test_a_file_with_headers_only_has_no_referral(office_rabat: Organisation) -> None:
    result = parse_referral_file(csv_bytes([HEADER, ",,,"]), filename="f.csv")

    assert [error.message for error in result.errors] == ["Le fichier ne contient aucune personne."]


# Templates ------------------------------------------------------------------------------


def test_the_xlsx_template_parses_back_to_its_example(
    ngo_referrer: User, office_rabat: Organisation
) -> None:
    content = referral_template_xlsx()

    result = parse_referral_file(content, filename="modele.xlsx")

    assert result.errors == []
    assert result.warnings == []
    assert len(result.referrals) == 1
    [referral] = result.referrals
    assert [person.relationship for person in referral.people] == ["principal", "child"]
    assert referral.office == office_rabat
    assert len(submit(ngo_referrer, result)) == 1


def test_the_xlsx_template_has_english_headers_date_cells_and_a_french_help_sheet() -> None:
    workbook = load_workbook(io.BytesIO(referral_template_xlsx()))
    sheet, help_sheet = workbook.worksheets

    assert [cell.value for cell in sheet[1]] == [column.name for column in COLUMNS]
    assert isinstance(sheet["E2"].value, datetime)  # date_of_birth, a real date cell
    assert help_sheet.title == "Aide"
    texts = {str(cell.value) for row in help_sheet.iter_rows() for cell in row if cell.value}
    assert {"unaccompanied_minor", "pregnant", "frere_soeur", "2 / urgent"} <= texts
    assert "Nom de famille." in texts


def test_the_csv_template_parses_back_to_the_same_example(office_rabat: Organisation) -> None:
    text = template_csv()

    assert text.startswith("\ufeff" + ";".join(column.name for column in COLUMNS))
    from_csv = parse_referral_file(text.encode("utf-8"), filename="modele.csv")
    from_xlsx = parse_referral_file(referral_template_xlsx(), filename="modele.xlsx")
    assert from_csv.errors == []
    assert from_csv.warnings == []
    assert from_csv.referrals == from_xlsx.referrals


# Over-long cells ------------------------------------------------------------------------


def test_overlong_cells_are_refused_with_their_limit_never_cut(office_rabat: Organisation) -> None:
    person = ["", "K" * 5000, "Aminata", "F", "1996-02-11", "", "CI", "", "", "", ""]
    referral = ["Rentrer.", "0" * 33, "RBA", "2025-01-10", "Fatou Diallo"]
    result = parse_referral_file(
        xlsx_bytes([[column.name for column in COLUMNS], [*person, *referral]]),
        filename="long.xlsx",
    )
    messages = {(problem.row, problem.column): problem.message for problem in result.errors}
    assert messages == {
        (2, "family_name"): "Texte trop long : 100 caractères au plus.",
        (2, "contact_phone"): "Texte trop long : 32 caractères au plus.",
    }
    assert result.referrals == []


@pytest.mark.parametrize(
    ("column", "model", "field"),
    [
        ("family_name", ReferredPerson, "family_name"),
        ("given_name", ReferredPerson, "given_name"),
        ("languages", ReferredPerson, "languages"),
        ("contact_phone", Referral, "contact_phone"),
        ("consent_taken_by", Referral, "consent_taken_by"),
    ],
)
def test_column_limits_are_those_of_the_fields_they_fill(
    column: str, model: type[Referral | ReferredPerson], field: str
) -> None:
    limit = {each.name: each.max_length for each in COLUMNS}[column]
    model_field = model._meta.get_field(field)
    assert isinstance(model_field, CharField)
    assert limit == model_field.max_length


# Files built to exhaust the server --------------------------------------------------------

# Run in a process of its own, so that its peak memory is the upload's alone. Its address
# space is capped a gigabyte above what it holds once started: a bomb that gets parsed ends
# in a MemoryError there instead of taking the machine's memory.
_PARSE_AND_MEASURE = """
import json, resource, sys
import django
django.setup()
from django.core.files import File
from cases.referrals.spreadsheet import parse_referral_file

with open("/proc/self/status") as status:
    vm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, ((vm_kb + 1024 * 1024) * 1024, resource.RLIM_INFINITY))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as upload:
    result = parse_referral_file(File(upload, name="bomb.xlsx"), filename="bomb.xlsx")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grown_kb": after - before, "errors": [str(e) for e in result.errors]}))
"""


def test_a_spreadsheet_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    # 1.7 MB on disk, 1.5 GB of repeated cells in one row once expanded.
    bomb = tmp_path / "bomb.xlsx"
    cells_bomb(bomb, expanded_bytes=1_500_000_000)
    assert bomb.stat().st_size < 2 * 1024 * 1024

    run = subprocess.run(
        [sys.executable, "-c", _PARSE_AND_MEASURE, str(bomb)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "avrr.settings"},
        check=False,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["grown_kb"] < 100 * 1024
    assert measured["errors"] == [
        "Une fois décompressé, le classeur dépasserait 20 Mo, la limite : découpez-le en "
        "plusieurs fichiers."
    ]


def test_a_workbook_compressed_like_a_bomb_is_refused(tmp_path: Path) -> None:
    # Within the size limits, but no spreadsheet program compresses its sheets so much.
    path = tmp_path / "dense.xlsx"
    cells_bomb(path, expanded_bytes=15_000_000, cells_per_row=3)

    result = parse_referral_file(path.read_bytes(), filename="dense.xlsx")

    assert [error.message for error in result.errors] == [
        "Le classeur est compressé plus de 100 fois, la limite : ce n'est pas un classeur "
        "ordinaire. Enregistrez-le de nouveau depuis Excel."
    ]


def test_a_workbook_with_too_many_rows_is_refused_with_the_limit(
    office_rabat: Organisation,
) -> None:
    # Rows of nothing but a space: not blank to the sheet, so read one by one.
    header: list[object] = [column.name for column in COLUMNS]
    content = xlsx_bytes([header] + [[" "]] * 10_000)

    result = parse_referral_file(content, filename="long.xlsx")

    assert [error.message for error in result.errors] == [
        "Le fichier compte plus de 10000 lignes, la limite : découpez-le en plusieurs fichiers."
    ]
