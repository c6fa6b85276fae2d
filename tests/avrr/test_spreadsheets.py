"""Opening a spreadsheet upload within limits: refused before parsing when it would expand
too much, refused while read when a row is too long or too wide."""

import dataclasses
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django import Settings

from avrr.spreadsheets import Cell, SpreadsheetLimits, SpreadsheetRefused, spreadsheet_rows
from tests.avrr.zips import Part, cells_bomb, workbook_parts, write_zip


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def read(content: bytes, *, filename: str = "f.xlsx", **limits: int) -> list[list[Cell]]:
    chosen = dataclasses.replace(SpreadsheetLimits.from_settings(), **limits)
    with spreadsheet_rows(content, filename=filename, limits=chosen) as rows:
        return list(rows)


def refusal(content: bytes, *, filename: str = "f.xlsx", **limits: int) -> str:
    with pytest.raises(SpreadsheetRefused) as refused:
        read(content, filename=filename, **limits)
    return refused.value.message


def test_rows_are_read_with_their_numbers_kept() -> None:
    content = xlsx([["nom", "prenom", None], [], ["Diallo", "Awa", 3]])

    assert read(content) == [["nom", "prenom"], [], ["Diallo", "Awa", 3]]
    assert read(b"nom;prenom\r\n\r\nDiallo;Awa\r\n", filename="f.csv") == [
        ["nom", "prenom"],
        [],
        ["Diallo", "Awa"],
    ]


def test_an_upload_is_read_from_a_django_file() -> None:
    upload = SimpleUploadedFile("f.xlsx", xlsx([["nom"]]))

    with spreadsheet_rows(upload, filename="f.xlsx") as rows:
        assert list(rows) == [["nom"]]


def test_the_limits_are_the_settings(settings: Settings) -> None:
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "max_rows": 2}

    with (
        pytest.raises(SpreadsheetRefused) as refused,
        spreadsheet_rows(b"a\nb\nc\n", filename="f.csv") as rows,
    ):
        list(rows)

    assert refused.value.message == (
        "Le fichier compte plus de 2 lignes, la limite : découpez-le en plusieurs fichiers."
    )


# Before parsing: the zip's directory ---------------------------------------------------


def test_a_part_expanding_past_its_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    cells_bomb(path, expanded_bytes=30_000_000)

    assert refusal(path.read_bytes()) == (
        "Une fois décompressé, le classeur dépasserait 20 Mo, la limite : découpez-le en "
        "plusieurs fichiers."
    )


def test_parts_expanding_together_past_the_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    filler = [Part(f"extra/{index}.bin", [(b"x" * 1000, 700)]) for index in range(3)]
    write_zip(path, [*workbook_parts(), *filler])

    assert refusal(path.read_bytes(), max_uncompressed_bytes=2 * 1024 * 1024) == (
        "Une fois décompressé, le classeur dépasserait 2 Mo, la limite : découpez-le en "
        "plusieurs fichiers."
    )


def test_a_part_compressed_like_a_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dense.xlsx"
    cells_bomb(path, expanded_bytes=5_000_000, cells_per_row=3)

    assert refusal(path.read_bytes()) == (
        "Le classeur est compressé plus de 100 fois, la limite : ce n'est pas un classeur "
        "ordinaire. Enregistrez-le de nouveau depuis Excel."
    )


def test_too_many_parts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    write_zip(path, [*workbook_parts(), *(Part(f"x/{n}.xml", [(b"<a/>", 1)]) for n in range(100))])

    assert refusal(path.read_bytes()) == (
        "Le classeur compte plus de 100 parties, la limite : ce n'est pas un classeur "
        "ordinaire. Enregistrez-le de nouveau depuis Excel."
    )


def test_a_row_of_too_many_cells_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    # Empty cells too: the parser holds each one of a row at once.
    row = b'<row r="7">' + b'<c s="1"/>' * 101 + b"</row>"
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    sheet = Part("xl/worksheets/sheet1.xml", [(head + row + b"</sheetData></worksheet>", 1)])
    path = tmp_path / "wide.xlsx"
    write_zip(path, [sheet if p.name == sheet.name else p for p in workbook_parts()])

    assert refusal(path.read_bytes()) == "La ligne 7 compte plus de 100 colonnes, la limite."


# While reading: rows, columns, cells ----------------------------------------------------


def test_a_file_of_too_many_rows_is_refused_with_the_limit() -> None:
    content = xlsx([["nom"]] + [["Diallo"]] * 10_000)

    assert refusal(content) == (
        "Le fichier compte plus de 10000 lignes, la limite : découpez-le en plusieurs fichiers."
    )
    csv_content = b"nom\r\n" + b"Diallo\r\n" * 10_000
    assert refusal(csv_content, filename="f.csv") == (
        "Le fichier compte plus de 10000 lignes, la limite : découpez-le en plusieurs fichiers."
    )


def test_a_value_past_the_last_column_is_refused() -> None:
    content = xlsx([["nom"], [*[None] * 150, "loin"]])

    assert refusal(content) == "La ligne 2 compte plus de 100 colonnes, la limite."
    assert refusal(b"a\r\n" + b"," * 100 + b"loin\r\n", filename="f.csv") == (
        "La ligne 2 compte plus de 100 colonnes, la limite."
    )


def test_empty_cells_after_the_last_column_are_no_column() -> None:
    assert read(b"a" + b";" * 300 + b"\r\n", filename="f.csv") == [["a"]]


def test_a_cell_too_long_is_refused_with_the_limit() -> None:
    assert refusal(xlsx([["nom"], ["K" * 10_001]])) == (
        "Ligne 2 : une case dépasse 10000 caractères, la limite."
    )
    assert refusal(("nom\r\n" + "K" * 10_001).encode(), filename="f.csv") == (
        "Ligne 2 : une case dépasse 10000 caractères, la limite."
    )


def test_a_file_too_large_is_refused_unread() -> None:
    content = b"nom\r\n" + b" " * (2 * 1024 * 1024)

    for upload in (content, io.BytesIO(content), SimpleUploadedFile("big.csv", content)):
        with (
            pytest.raises(SpreadsheetRefused) as refused,
            spreadsheet_rows(upload, filename="big.csv"),
        ):
            pass
        assert refused.value.message == "Le fichier dépasse 2 Mo."
