"""Numbers given in order and never twice: case numbers, referral references."""

from django.db import connection

from avrr.models import Organisation, Sequence


def sequence_next(*, organisation: Organisation, name: str, year: int) -> int:
    """The next number of the organisation's yearly series `name`.

    One atomic upsert that locks the counter until the caller's transaction commits:
    concurrent callers each get their own number. The increment belongs to the caller's
    transaction, so a failure leaves no gap; a number given to a saved record is never
    given again (records are never deleted).
    """
    table = Sequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, name, year, last_value) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) ON CONFLICT (organisation_id, name, year) "
            f"DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value",
            [organisation.pk, name, year],
        )
        (value,) = cursor.fetchone()
    return int(value)
