from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from avrr.api_keys import api_key_revoke
from avrr.audit import action_choices, action_label
from avrr.models import ApiKey, AuditEvent, Organisation, User
from avrr.services import audit_record, user_otp_remove, user_sync_role


def _changed_fields(form: ModelForm[Any]) -> dict[str, Any]:
    return {
        name: str(form.cleaned_data.get(name)) for name in form.changed_data if name != "password"
    }


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "code", "kind", "country", "is_operational", "is_active"]
    list_filter = ["kind", "is_active", "is_operational"]
    search_fields = ["name", "code"]

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="organisation.change" if change else "organisation.create",
            target=obj,
            changes=_changed_fields(form),
        )


@admin.register(User)
class AvrrUserAdmin(UserAdmin[User]):
    list_display = ["username", "last_name", "first_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation__kind", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Rôle"), {"fields": ("organisation", "role", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "organisation", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_two_steps"]

    @admin.action(
        description=_("Réinitialiser la vérification en deux étapes (téléphone perdu)"),
        permissions=["change"],
    )
    def reset_two_steps(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The users enrol again at their next sign-in (or may, if their role allows)."""
        for user in queryset:
            user_otp_remove(actor=request.user, user=user)  # type: ignore[arg-type]

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        user_sync_role(user=obj)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="user.change" if change else "user.create",
            target=obj,
            changes=_changed_fields(form),
        )


class AuditActionFilter(admin.SimpleListFilter):
    """The actions by their labels, not their codes."""

    title = _("action")
    parameter_name = "action"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return action_choices()

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(action=self.value()) if self.value() else queryset


def _record_kind(content_type: ContentType | None) -> str:
    return capfirst(content_type.name) if content_type is not None else "—"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["occurred_at", "actor_username", "action_shown", "target_kind", "target_id"]
    list_filter = [AuditActionFilter]
    list_select_related = ["target_type"]
    search_fields = ["actor_username", "action", "target_id"]
    date_hierarchy = "occurred_at"
    fields = [
        "occurred_at",
        "actor",
        "actor_username",
        "action_shown",
        "target_kind",
        "target_id",
        "scope_shown",
        "changes",
        "ip_address",
    ]
    readonly_fields = ["action_shown", "target_kind", "scope_shown"]

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @admin.display(description=_("type de cible"))
    def target_kind(self, event: AuditEvent) -> str:
        return _record_kind(event.target_type)

    @admin.display(description=_("dans l'historique de"))
    def scope_shown(self, event: AuditEvent) -> str:
        return f"{_record_kind(event.scope_type)} {event.scope_id}".strip()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are created with `manage.py create_api_key` (the key is shown once); here they
    are listed and revoked."""

    list_display = ("organisation", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    readonly_fields = list_display
    fields = list_display
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    @admin.action(description=_("Révoquer les clés choisies"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            api_key_revoke(actor=request.user, api_key=api_key)  # type: ignore[arg-type]
