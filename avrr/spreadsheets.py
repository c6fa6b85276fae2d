"""Open a spreadsheet upload (CSV or XLSX) within limits, for every import the product has.

An XLSX workbook is a zip of XML: a 1.5 MB file can expand to 1.5 GB, and a parser holds a
whole row of cells at once. So before anything is parsed, the zip's directory is checked
(number of parts, each part's and the total expanded size, how much each is compressed) and
the worksheets' XML is counted, streaming, for rows and cells per row. Then the first sheet
is read with openpyxl in read-only (streaming) mode, and every row is held to the limits on
rows, columns and cell length. The limits are `settings.SPREADSHEET_LIMITS`; a file past
one is refused with a message naming it, in the user's language.
"""

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# What a cell holds once read (a CSV gives only text).
Cell = str | int | float | bool | date | datetime | time | timedelta | None
Upload = File[bytes] | IO[bytes] | bytes

_CELL_TYPES = (str, int, float, bool, date, datetime, time, timedelta)
_MEGABYTE = 1024 * 1024
# Small parts (styles, a short sheet) may compress far better than a workbook's bulk, and
# cannot expand to much: the compression ratio is held only above this size.
_RATIO_FLOOR_BYTES = _MEGABYTE
# The worksheet namespaces, transitional (what Excel writes) and strict.
_SHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class SpreadsheetLimits:
    """How big a spreadsheet upload may be, and may expand to."""

    max_bytes: int
    max_uncompressed_bytes: int
    max_member_bytes: int
    max_compression_ratio: int
    max_members: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls) -> "SpreadsheetLimits":
        return cls(**settings.SPREADSHEET_LIMITS)


class SpreadsheetRefused(Exception):
    """The upload is not a spreadsheet, or is past a limit; the message (in the user's
    language) says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@contextmanager
def spreadsheet_rows(
    upload: Upload, *, filename: str, limits: SpreadsheetLimits | None = None
) -> Iterator[Iterator[list[Cell]]]:
    """The rows of the upload's first sheet (or of the CSV), read as they are needed, each
    a list of cells without its trailing empty ones; empty rows included, so that the n-th
    row is the spreadsheet's row n.

    Raises SpreadsheetRefused on opening, or while the rows are read, when the file is not
    a spreadsheet or is past one of `limits` (the settings' by default).
    """
    limits = limits or SpreadsheetLimits.from_settings()
    data = _read_limited(upload, limits.max_bytes)
    if data.startswith(b"PK\x03\x04"):
        with _xlsx_rows(data, limits) as rows:
            yield _within_limits(rows, limits)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith((".xlsx", ".xls")):
        raise SpreadsheetRefused(not_a_spreadsheet_message())
    else:
        yield _within_limits(_csv_rows(data), limits)


def not_a_spreadsheet_message() -> str:
    return _(
        "Ce fichier n'est ni un CSV en UTF-8 ni un classeur XLSX. Dans Excel, enregistrez-le "
        "au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 »."
    )


def _megabytes(size: int) -> int:
    return size // _MEGABYTE


def _read_limited(upload: Upload, max_bytes: int) -> bytes:
    """The file's content; refused when it is larger than `max_bytes`."""
    too_big = SpreadsheetRefused(
        _("Le fichier dépasse %(size)s Mo.") % {"size": _megabytes(max_bytes)}
    )
    if isinstance(upload, bytes):
        data = upload
    elif isinstance(upload, File):
        if upload.size is not None and upload.size > max_bytes:
            raise too_big
        parts, total = [], 0
        for chunk in upload.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise too_big
        data = b"".join(parts)
    else:
        data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    return data


def _within_limits(
    rows: Iterable[Sequence[object]], limits: SpreadsheetLimits
) -> Iterator[list[Cell]]:
    for number, values in enumerate(rows, start=1):
        if number > limits.max_rows:
            raise _too_many_rows(limits)
        cells = [_as_cell(value) for value in values]
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if len(cells) > limits.max_columns:
            raise _too_many_columns(number, limits)
        for cell in cells:
            if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
                raise SpreadsheetRefused(
                    _("Ligne %(row)s : une case dépasse %(max)s caractères, la limite.")
                    % {"row": number, "max": limits.max_cell_chars}
                )
        yield cells


def _as_cell(value: object) -> Cell:
    """Values of other kinds (formulas, rich text) as their text."""
    return value if value is None or isinstance(value, _CELL_TYPES) else str(value)


def _too_many_rows(limits: SpreadsheetLimits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "Le fichier compte plus de %(max)s lignes, la limite : découpez-le en plusieurs "
            "fichiers."
        )
        % {"max": limits.max_rows}
    )


def _too_many_columns(row: int | str, limits: SpreadsheetLimits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("La ligne %(row)s compte plus de %(max)s colonnes, la limite.")
        % {"row": row, "max": limits.max_columns}
    )


# CSV -----------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """Rows decoded and split as they are read; the separator is `;` or `,`, whichever the
    first line uses more."""
    if b"\x00" in data:
        raise SpreadsheetRefused(not_a_spreadsheet_message())
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        yield from csv.reader(itertools.chain([first], text), delimiter=delimiter)
    except (UnicodeDecodeError, csv.Error):
        raise SpreadsheetRefused(not_a_spreadsheet_message()) from None


# XLSX ----------------------------------------------------------------------------------


@contextmanager
def _xlsx_rows(data: bytes, limits: SpreadsheetLimits) -> Iterator[Iterator[tuple[Any, ...]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise SpreadsheetRefused(not_a_spreadsheet_message()) from None
    with archive:
        _check_directory(archive, limits)
        _check_sheets_xml(archive, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl and zipfile raise many kinds for a damaged file
        raise SpreadsheetRefused(not_a_spreadsheet_message()) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None or not hasattr(sheet, "iter_rows"):  # none, or a chart sheet
            raise SpreadsheetRefused(_("La première feuille du classeur est vide."))
        # The size the sheet declares may be wrong or huge: each row as long as its cells.
        sheet.reset_dimensions()
        yield _damage_refused(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _damage_refused(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    try:
        yield from rows
    except SpreadsheetRefused:
        raise
    except Exception:  # a damaged part is only found when it is read
        raise SpreadsheetRefused(not_a_spreadsheet_message()) from None


def _check_directory(archive: zipfile.ZipFile, limits: SpreadsheetLimits) -> None:
    """What the zip's directory says each part expands to, before any is expanded.

    zipfile never gives more of a part than the directory declares, so the declared sizes
    bound what reading the workbook can expand to.
    """
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise SpreadsheetRefused(
            _(
                "Le classeur compte plus de %(max)s parties, la limite : ce n'est pas un "
                "classeur ordinaire. Enregistrez-le de nouveau depuis Excel."
            )
            % {"max": limits.max_members}
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.max_member_bytes or total > limits.max_uncompressed_bytes:
            raise SpreadsheetRefused(
                _(
                    "Une fois décompressé, le classeur dépasserait %(size)s Mo, la limite : "
                    "découpez-le en plusieurs fichiers."
                )
                % {
                    "size": _megabytes(
                        limits.max_member_bytes
                        if member.file_size > limits.max_member_bytes
                        else limits.max_uncompressed_bytes
                    )
                }
            )
        if (
            member.file_size > _RATIO_FLOOR_BYTES
            and member.file_size > limits.max_compression_ratio * max(member.compress_size, 1)
        ):
            raise SpreadsheetRefused(
                _(
                    "Le classeur est compressé plus de %(ratio)s fois, la limite : ce n'est pas "
                    "un classeur ordinaire. Enregistrez-le de nouveau depuis Excel."
                )
                % {"ratio": limits.max_compression_ratio}
            )


def _check_sheets_xml(archive: zipfile.ZipFile, limits: SpreadsheetLimits) -> None:
    """Rows and cells per row counted in every part's XML, streaming: openpyxl holds a whole
    row in memory, so a row of a million cells is refused before it reads it."""
    for member in archive.infolist():
        if member.filename.endswith(".xml"):
            with archive.open(member) as stream:
                _count_rows_and_cells(stream, limits)


def _count_rows_and_cells(stream: IO[bytes], limits: SpreadsheetLimits) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    rows = cells = 0
    row_name: str | int = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal rows, cells, row_name
        namespace, _sep, local = name.rpartition(" ")
        if namespace not in _SHEET_NAMESPACES:
            return
        if local == "row":
            rows += 1
            cells = 0
            row_name = attributes.get("r", rows)
            if rows > limits.max_rows:
                raise _too_many_rows(limits)
        elif local == "c":
            cells += 1
            if cells > limits.max_columns:
                raise _too_many_columns(row_name, limits)

    parser.StartElementHandler = start
    try:
        while chunk := stream.read(_READ_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError):
        raise SpreadsheetRefused(not_a_spreadsheet_message()) from None
