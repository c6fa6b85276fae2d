"""The domain's own errors: each has a stable `code` that API clients can rely on and the
HTTP status the API answers it with. Django's ValidationError and PermissionDenied stay the
errors of bad input and refused actions; these are for the rest."""

from typing import ClassVar

from django.db.models import Model
from django.utils.translation import gettext as _


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    http_status: ClassVar[int] = 400


class EditConflict(DomainError):
    """The record changed since the user loaded it; nothing was written."""

    code = "edit_conflict"
    http_status = 409

    def __init__(self, current: Model) -> None:
        super().__init__(_("Quelqu'un d'autre a modifié cette fiche entre-temps."))
        self.current = current


class IdempotencyConflict(DomainError):
    """The same Idempotency-Key was sent before with a different request."""

    code = "idempotency_conflict"
    http_status = 422

    def __init__(self) -> None:
        super().__init__(
            _(
                "Cette clé d'idempotence (Idempotency-Key) a déjà servi pour un autre "
                "référencement, avec un contenu différent : rien n'est enregistré. "
                "Utilisez une nouvelle clé pour un nouveau référencement."
            )
        )
