"""Embassies and consulates: reference data administrators keep, each change audited."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from avrr.services import audit_record
from cases.departure.models import Embassy


def _changed_fields(form: ModelForm[Any]) -> dict[str, Any]:
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data}


@admin.register(Embassy)
class EmbassyAdmin(admin.ModelAdmin[Embassy]):
    list_display = ["country", "kind", "city", "letter_language", "is_active"]
    list_filter = ["kind", "letter_language", "is_active"]
    search_fields = ["city", "contact_name"]

    def save_model(
        self, request: HttpRequest, obj: Embassy, form: ModelForm[Embassy], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="embassy.change" if change else "embassy.create",
            target=obj,
            changes=_changed_fields(form),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Embassy | None = None) -> bool:
        # Requests point at their embassy: one no longer in use is made inactive instead.
        return False
