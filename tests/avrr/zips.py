"""Workbooks built byte by byte for the spreadsheet guard's tests: zip bombs among them.

`write_zip` writes each part's deflate stream as it is produced, so a part that expands to
gigabytes is never held in memory, nor compressed byte by byte: a block compressed once
and closed by a full flush (which makes it independent of what precedes it) is repeated.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

SHEET_PATH = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"


@dataclass
class Part:
    """A zip member: its name, and its content as pieces of the same bytes repeated."""

    name: str
    pieces: list[tuple[bytes, int]]  # (bytes, how many times in a row)

    @property
    def size(self) -> int:
        return sum(len(data) * times for data, times in self.pieces)


def _deflate_once(data: bytes, *, final: bool) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
    )


def _compressed(part: Part) -> Iterator[bytes]:
    for data, times in part.pieces:
        block = _deflate_once(data, final=False)
        for _ in range(times):
            yield block
    yield _deflate_once(b"", final=True)


def _crc(part: Part) -> int:
    crc = 0
    for data, times in part.pieces:
        for _ in range(times):
            crc = zlib.crc32(data, crc)
    return crc


def write_zip(path: Path, parts: Iterable[Part]) -> None:
    """A zip of `parts`, deflated, with true sizes and checksums (sizes under 4 GB)."""
    directory = []
    with path.open("wb") as output:
        for part in parts:
            name = part.name.encode()
            crc = _crc(part)
            offset = output.tell()
            output.write(
                struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 33, 0, 0, 0, len(name), 0)
            )
            output.write(name)
            start = output.tell()
            for block in _compressed(part):
                output.write(block)
            compressed = output.tell() - start
            # The local header's sizes, now known.
            output.seek(offset + 14)
            output.write(struct.pack("<3I", crc, compressed, part.size))
            output.seek(0, io.SEEK_END)
            directory.append(
                struct.pack(
                    "<4s6H3I5H2I",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    8,
                    0,
                    33,
                    crc,
                    compressed,
                    part.size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        start = output.tell()
        for entry in directory:
            output.write(entry)
        size = output.tell() - start
        output.write(
            struct.pack(
                "<4s4H2IH", b"PK\x05\x06", 0, 0, len(directory), len(directory), size, start, 0
            )
        )


def workbook_parts(rows: list[list[object]] | None = None) -> list[Part]:
    """The parts of a small valid workbook made by openpyxl (its first sheet: `rows`)."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows or [["a"]]:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    with zipfile.ZipFile(output) as archive:
        return [Part(info.filename, [(archive.read(info), 1)]) for info in archive.infolist()]


def with_sheet(parts: list[Part], sheet: Part) -> list[Part]:
    return [sheet if part.name == SHEET_PATH else part for part in parts]


def cells_bomb(path: Path, *, expanded_bytes: int, cells_per_row: int | None = None) -> None:
    """A workbook whose sheet XML expands to about `expanded_bytes` of repeated text cells:
    all in one row, or `cells_per_row` to a row."""
    cell = b'<c t="inlineStr"><is><t>' + b"A" * 32_000 + b"</t></is></c>"
    if cells_per_row is None:
        block = cell * 32
        pieces = [(SHEET_HEAD + b'<row r="1">', 1), (block, expanded_bytes // len(block))]
        pieces.append((b"</row>" + SHEET_TAIL, 1))
    else:
        row = b"<row>" + cell * cells_per_row + b"</row>"
        pieces = [(SHEET_HEAD, 1), (row, expanded_bytes // len(row)), (SHEET_TAIL, 1)]
    write_zip(path, with_sheet(workbook_parts(), Part(SHEET_PATH, pieces)))
