"""Optimistic locking: a record carries a `version`; an edit prepared from an older version
is refused with EditConflict and writes nothing."""

from typing import Any

from django.db import models
from django.db.models import DateTimeField, F
from django.utils import timezone

from avrr.errors import EditConflict


class VersionedModel(models.Model):
    """A record edited by several people: each save of an edit raises its version."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


def update_versioned(
    *, instance: VersionedModel, expected_version: int, changes: dict[str, Any]
) -> dict[str, list[str]]:
    """Apply `changes` to `instance` only if nobody saved it since `expected_version` was
    read; returns what changed as {field: [before, after]}."""
    model = type(instance)
    current = model._default_manager.get(pk=instance.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    diff = {
        name: [str(getattr(current, name)), str(value)]
        for name, value in changes.items()
        if getattr(current, name) != value
    }
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1
    instance.full_clean(validate_constraints=False, validate_unique=False)
    # update() skips auto_now, which save() would have stamped.
    stamps = {
        field.name: timezone.now()
        for field in model._meta.concrete_fields
        if isinstance(field, DateTimeField) and field.auto_now
    }
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **changes, **stamps
    )
    if not updated:  # saved by someone else between our read and our write
        raise EditConflict(model._default_manager.get(pk=instance.pk))
    return diff
