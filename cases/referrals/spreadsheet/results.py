"""What checking a file gives: its referrals, and its faults and warnings by row and column."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.referrals.services import ReferralData


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

    def referrals_to_submit(self) -> list[ReferralData]:
        """The referrals to give `referral_submit_many`; ValidationError if the file has faults."""
        if not self.is_valid:
            raise ValidationError(
                _(
                    "Le fichier comporte des erreurs : corrigez-les et envoyez-le de nouveau. "
                    "Aucun référencement n'a été enregistré."
                )
            )
        return self.referrals
