"""Files people upload (scans, photos, documents): checked on the way in, and served only
through a view that checked access and traced the reading."""

from dataclasses import dataclass
from typing import Protocol

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf", "image/jpeg", "image/png"}
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
    head = upload.read(512)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(_("Seuls les fichiers PDF, JPEG et PNG sont acceptés."))
    return CheckedUpload(upload=upload, mime=kind.mime, extension=kind.extension)


class StoredFile(Protocol):
    """A record holding an uploaded file (a case's or a referral's attachment)."""

    file: FieldFile
    content_type: str
    original_name: str


def protected_file_response(stored: StoredFile) -> FileResponse:
    """The file, to a user the caller has let through and whose reading it has traced."""
    return FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, filename=stored.original_name
    )
