"""Files people upload (scans, photos, documents): checked on the way in, and served only
through a view that checked access and traced the reading.

A file's type is the one read from its content, never the one its name claims: a JPEG
carrying HTML and named `page.html` is stored, served and saved as a JPEG.
"""

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Each type accepted, with the extension its files are stored and downloaded with.
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ORIGINAL_NAME_MAX_LENGTH = 200

Upload = UploadedFile[bytes] | File[bytes]


@dataclass(frozen=True)
class CheckedUpload:
    upload: Upload
    mime: str
    extension: str

    @property
    def original_name(self) -> str:
        return (self.upload.name or "")[:ORIGINAL_NAME_MAX_LENGTH]

    @property
    def size(self) -> int:
        return self.upload.size or 0

    @property
    def stored_name(self) -> str:
        # Stored names never carry the person's name that the original file name may hold.
        return f"upload.{self.extension}"


def upload_check(upload: Upload) -> CheckedUpload:
    """The file with its real type, read from its content; refuses what is too big or of a
    type not allowed."""
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(size)s Mo.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    mime = _detected_type(upload)
    if mime is None:
        raise ValidationError(_("Seuls les fichiers PDF, JPEG et PNG sont acceptés."))
    return CheckedUpload(upload=upload, mime=mime, extension=ALLOWED_TYPES[mime])


def _detected_type(content: Upload | File[bytes]) -> str | None:
    """The type read from the content's first bytes, if it is one allowed."""
    head = content.read(512)
    content.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.mime in ALLOWED_TYPES else None


class StoredFile(Protocol):
    """A record holding an uploaded file (a case's or a referral's attachment)."""

    file: FieldFile
    original_name: str


def protected_file_response(stored: StoredFile) -> FileResponse:
    """The file, to a user the caller has let through and whose reading it has traced.

    Always a download (never shown in the page's origin), of the type read from its content
    again now, under its original name with that type's extension; the browser is told not
    to guess another type.
    """
    content = stored.file.open("rb")
    mime = _detected_type(content) or "application/octet-stream"
    extension = ALLOWED_TYPES.get(mime, "bin")
    response = FileResponse(
        content,
        content_type=mime,
        as_attachment=True,
        filename=f"{_safe_stem(stored.original_name)}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_stem(original_name: str) -> str:
    """The original name without its extension, folders, control or direction characters
    (which could make `exe.jpg` display as `gpj.exe`), or characters a file system refuses."""
    stem = PurePath(original_name.replace("\\", "/")).stem
    kept = "".join(
        char for char in stem if unicodedata.category(char)[0] != "C" and char not in '<>:"/\\|?*'
    )
    return kept.strip(" .")[:100] or "document"
