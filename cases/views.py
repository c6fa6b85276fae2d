"""Case pages. Objects come through cases.access; writes go through cases.services."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from avrr.errors import EditConflict
from avrr.models import User
from avrr.rules import request_user
from avrr.uploads import protected_file_response
from cases import access, selectors, services
from cases.forms import (
    AssignForm,
    AssistanceForm,
    AttachmentForm,
    CaseEditForm,
    CaseForm,
    CounsellingForm,
    DeclarationForm,
    DistributionForm,
    KnownPeopleCheckForm,
    LinkAnswerForm,
    PeopleFormSet,
    PersonEditForm,
    SensitiveNoteForm,
    WithdrawalForm,
    limit_choices,
    people_typed,
)
from cases.models import Case, CaseStatus, DuplicateReview, Person
from cases.sections import sections_for
from cases.selectors import CaseFilter
from cases.timeline import describe
from cases.workflow import next_steps

CASES_PER_PAGE = 50


def _case_url(case: Case, section: str = "") -> str:
    url = reverse("cases:detail", args=[case.pk])
    return f"{url}#{section}" if section else url


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_list_cases(user):
        raise PermissionDenied
    cases = selectors.case_list(access.cases_for(user))
    case_filter = CaseFilter(request.GET or None, queryset=cases, request=request)
    page = Paginator(case_filter.qs, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": case_filter,
        "page": page,
        "query": query.urlencode(),
        "can_register": access.can_register_cases(user),
        "can_filter_by_office": access.can_filter_by_office(user),
        "can_filter_by_caseworker": access.can_filter_by_caseworker(user),
        "can_filter_own_cases": access.can_filter_own_cases(user),
    }
    # A filter change made in place (htmx) only needs the results.
    template = (
        "cases/_case_rows.html" if getattr(request, "htmx", False) else "cases/case_list.html"
    )
    return render(request, template, context)


@login_required
def case_register(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_register_cases(user):
        raise PermissionDenied
    case_form = CaseForm(request.POST or None)
    people_forms = PeopleFormSet(request.POST or None, prefix="people")
    check_form = KnownPeopleCheckForm(request.POST or None)
    known: list[tuple[str, selectors.DuplicateMatches]] = []
    if request.method == "POST" and case_form.is_valid() and people_forms.is_valid():
        people = [form.person_data() for form in people_forms if form.has_changed()]
        # Checked again on saving: the check made while typing may not have run or been read.
        if not (check_form.is_valid() and check_form.cleaned_data["known_people_checked"]):
            known = services.duplicate_check(actor=user, people=people)
        if not known:
            try:
                case = services.case_register(actor=user, people=people, **case_form.cleaned_data)
            except ValidationError as error:
                case_form.add_error(None, error)
            else:
                messages.success(request, _("Dossier %(number)s ouvert.") % {"number": case.number})
                return redirect(_case_url(case))
    return render(
        request,
        "cases/case_register.html",
        {
            "case_form": case_form,
            "people_forms": people_forms,
            "known": known,
            "check_form": KnownPeopleCheckForm() if known else None,
        },
    )


@login_required
@require_POST
def known_people_check(request: HttpRequest) -> HttpResponse:
    """The people already known who resemble those being typed on the registration form."""
    user = request_user(request)
    if not access.can_register_cases(user):
        raise PermissionDenied
    known = services.duplicate_check(actor=user, people=people_typed(request.POST))
    return render(request, "cases/_known_people.html", {"known": known})


def _linked_label(user: User, person: Person) -> str:
    """The known person's case number, or only its office when the user may not see it."""
    known = person.linked_person
    if known is None:
        return ""
    if access.can_see_case(user, known.case):
        return known.case.number
    return _("un dossier du bureau %(office)s") % {"office": known.case.office.name}


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.case_detail(access.cases_for(user)).filter(pk=pk).first()
    if case is None:
        raise Http404
    services.case_view_record(actor=user, case=case)
    can_change = access.can_change_case(user, case)
    people = list(case.people.all())
    visible_cases = access.cases_for(user)
    for person in people:
        person.matches = (  # type: ignore[attr-defined]
            selectors.duplicate_matches(person, visible_cases=visible_cases)
            if person.duplicate_review == DuplicateReview.PENDING
            else None
        )
        person.linked_label = _linked_label(user, person)  # type: ignore[attr-defined]
    timeline = list(selectors.case_timeline(case)[:100])
    for event in timeline:
        event.description = describe(event)  # type: ignore[attr-defined]
    context = {
        "case": case,
        "people": people,
        "next_steps": next_steps(case) if can_change else [],
        "can_change": can_change,
        "can_change_pre_departure": access.can_change_pre_departure(user, case),
        "can_see_notes": access.can_see_sensitive_notes(user, case),
        "notes": access.sensitive_notes_for(user, case),
        "assign_form": (
            AssignForm(
                caseworkers=access.assignable_caseworkers(case),
                initial={"assigned_to": case.assigned_to_id},
            )
            if access.can_reassign(user, case)
            else None
        ),
        "timeline": timeline,
        "sections": sections_for(user, case),
    }
    return render(request, "cases/case_detail.html", context)


def _case_form_page(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    make_form: Callable[[Case, dict[str, Any]], BaseForm],
    save: Callable[[User, Case, BaseForm], object],
    done: str,
    section: str,
    allowed: Callable[[User, Case], bool] = access.can_change_case,
) -> HttpResponse:
    """A form about one case: shown on GET, saved through a service on POST."""
    user = request_user(request)
    case = access.case_for(user, pk)
    if not allowed(user, case):
        raise PermissionDenied
    data = {"data": request.POST, "files": request.FILES} if request.method == "POST" else {}
    form = make_form(case, data)
    if request.method == "POST" and form.is_valid():
        try:
            save(user, case, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_case_url(case, section))
    return render(request, "cases/case_form.html", {"case": case, "form": form, "title": title})


def _assistance_form(case: Case, data: dict[str, Any]) -> BaseForm:
    form = AssistanceForm(**data, initial={"people": list(case.people.all())})
    limit_choices(form, "people", case.people.all())
    return form


@login_required
def assistance_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form_page(
        request,
        pk,
        title=_("Enregistrer une assistance"),
        make_form=_assistance_form,
        save=lambda user, case, form: services.assistance_record_many(
            actor=user,
            people=list(form.cleaned_data["people"]),
            **form.service_arguments(),  # type: ignore[attr-defined]
        ),
        done=_("Assistance enregistrée."),
        section="assistance",
    )


@login_required
def counselling_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form_page(
        request,
        pk,
        title=_("Séance de conseil"),
        make_form=lambda case, data: CounsellingForm(**data),
        save=lambda user, case, form: services.counselling_record(
            actor=user, case=case, **form.cleaned_data
        ),
        done=_("Séance de conseil enregistrée."),
        section="counselling",
    )


@login_required
def declaration_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form_page(
        request,
        pk,
        title=_("Déclaration de retour volontaire"),
        make_form=lambda case, data: DeclarationForm(**data, case=case),
        save=lambda user, case, form: services.declaration_record(
            actor=user, case=case, **form.cleaned_data
        ),
        done=_("Déclaration enregistrée."),
        section="declaration",
    )


@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(user: User, case: Case, form: BaseForm) -> object:
        data = form.cleaned_data
        return services.attachment_add(
            actor=user,
            case=case,
            kind=data["kind"],
            upload=data["file"],
            person=data["person"],
            document_date=data["document_date"],
        )

    return _case_form_page(
        request,
        pk,
        title=_("Ajouter une pièce jointe"),
        make_form=lambda case, data: AttachmentForm(**data, case=case),
        save=save,
        done=_("Pièce jointe ajoutée."),
        section="attachments",
    )


@login_required
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form_page(
        request,
        pk,
        title=_("Note sensible"),
        make_form=lambda case, data: SensitiveNoteForm(**data),
        save=lambda user, case, form: services.sensitive_note_add(
            actor=user, case=case, **form.cleaned_data
        ),
        done=_("Note enregistrée."),
        section="notes",
        allowed=access.can_see_sensitive_notes,
    )


@login_required
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form_page(
        request,
        pk,
        title=_("Désistement"),
        make_form=lambda case, data: WithdrawalForm(**data),
        save=lambda user, case, form: services.case_withdraw(
            actor=user,
            case=case,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["withdrawn_on"],
        ),
        done=_("Le désistement est enregistré ; rien n'a été supprimé."),
        section="status",
    )


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def save(user: User, case: Case, form: BaseForm) -> object:
        changes = {name: form.cleaned_data[name] for name in services.CASE_EDITABLE_FIELDS}
        return services.case_update(
            actor=user, case=case, expected_version=form.cleaned_data["version"], changes=changes
        )

    return _versioned_form_page(
        request,
        pk,
        title=_("Modifier le dossier"),
        make_form=lambda case, data: CaseEditForm(
            **data, instance=case, initial={"version": case.version}
        ),
        save=save,
    )


def _versioned_form_page(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    make_form: Callable[[Case, dict[str, Any]], BaseForm],
    save: Callable[[User, Case, BaseForm], object],
    person: Person | None = None,
) -> HttpResponse:
    """An edit form that refuses to overwrite someone else's change made meanwhile."""
    try:
        return _case_form_page(
            request,
            pk,
            title=title,
            make_form=make_form,
            save=save,
            done=_("Modifications enregistrées."),
            section="people" if person else "status",
        )
    except EditConflict as conflict:
        user = request_user(request)
        case = access.case_for(user, pk)
        form = make_form(case, {"data": request.POST})
        form.is_valid()
        form.add_error(None, str(conflict))
        other_version = [
            (field.label, _value_shown(conflict.current, field.name))
            for field in form.visible_fields()
        ]
        return render(
            request,
            "cases/case_form.html",
            {"case": case, "form": form, "title": title, "conflict": other_version},
            status=409,
        )


def _value_shown(instance: Model, name: str) -> str:
    """A field's value as people read it: a choice by its label (a country by its name), a
    related record by its name, a date in the language's format, "—" when empty."""
    field = instance._meta.get_field(name)
    value = (
        getattr(instance, f"get_{name}_display")()
        if getattr(field, "choices", None)
        else getattr(instance, name)
    )
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value) if value not in (None, "") else "—"


@login_required
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    user = request_user(request)
    person = access.person_for(user, case_pk=pk, pk=person_pk)

    def save(user: User, case: Case, form: BaseForm) -> object:
        changes = {name: form.cleaned_data[name] for name in services.PERSON_EDITABLE_FIELDS}
        return services.person_update(
            actor=user,
            person=person,
            expected_version=form.cleaned_data["version"],
            changes=changes,
        )

    return _versioned_form_page(
        request,
        pk,
        title=_("Modifier %(person)s") % {"person": person},
        make_form=lambda case, data: PersonEditForm(
            **data, instance=person, initial={"version": person.version}
        ),
        save=save,
        person=person,
    )


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = access.case_for(user, pk)
    try:
        to_status = CaseStatus(request.POST.get("to_status", ""))
    except ValueError:
        messages.error(request, _("Statut inconnu."))
        return redirect(_case_url(case, "status"))
    try:
        case = services.case_transition(actor=user, case=case, to_status=to_status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Le dossier est maintenant « %(status)s ».") % {"status": to_status.label}
        )
    return redirect(_case_url(case, "status"))


@login_required
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = access.case_for(user, pk)
    if not access.can_reassign(user, case):
        raise PermissionDenied
    form = AssignForm(request.POST, caseworkers=access.assignable_caseworkers(case))
    if form.is_valid():
        services.case_assign(actor=user, case=case, assignee=form.cleaned_data["assigned_to"])
        messages.success(request, _("Dossier réassigné."))
    else:
        messages.error(request, _("Choisissez un·e agent·e du bureau."))
    return redirect(_case_url(case))


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    user = request_user(request)
    person = access.person_for(user, case_pk=pk, pk=person_pk)
    known_pk = request.POST.get("known_person")
    try:
        if known_pk:
            known = access.people_for(user).filter(pk=known_pk).select_related("case").first()
            if known is None:
                raise ValidationError(_("Cette personne n'est pas un doublon proposé."))
            services.duplicate_link(actor=user, person=person, known_person=known)
            messages.success(request, _("Personne liée au dossier existant."))
        else:
            services.duplicate_dismiss(actor=user, person=person)
            messages.success(request, _("Doublon écarté."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_case_url(person.case, "people"))


@login_required
@require_POST
def duplicate_link_request(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    user = request_user(request)
    person = access.person_for(user, case_pk=pk, pk=person_pk)
    try:
        services.duplicate_link_request(actor=user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Demande envoyée : l'autre bureau confirmera ou non le lien."))
    return redirect(_case_url(person.case, "people"))


@login_required
def link_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor of the office that knows the person answers a request of another office."""
    user = request_user(request)
    link_request = access.link_request_for(user, pk)
    answer = LinkAnswerForm(request.POST or None)
    if request.method == "POST":
        try:
            if not answer.is_valid():
                raise ValidationError(_("Répondez « même personne » ou « personne différente »."))
            services.duplicate_link_decide(
                actor=user,
                link_request=link_request,
                same_person=answer.cleaned_data["answer"] == "same",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Réponse enregistrée."))
        return redirect("cases:link_request", pk=link_request.pk)
    known_person = link_request.known_person
    known_person.case_url = reverse("cases:detail", args=[known_person.case_id])  # type: ignore[attr-defined]
    context = {
        "link_request": link_request,
        "people": [
            (_("Enregistrée par l'autre bureau"), link_request.person),
            (_("Connue de votre bureau"), known_person),
        ],
        "can_answer": access.can_answer_link_request(user, link_request),
    }
    return render(request, "cases/link_request.html", context)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Attachments are never public files: each download is checked and traced."""
    user = request_user(request)
    attachment = access.attachment_for(user, case_pk=pk, pk=attachment_pk)
    services.attachment_view_record(actor=user, attachment=attachment)
    return protected_file_response(attachment)


@login_required
def distribution_add(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_register_cases(user):
        raise PermissionDenied
    people = selectors.people_before_departure(access.people_for(user))
    form = DistributionForm(request.POST or None)
    limit_choices(form, "people", people)
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_record(
                actor=user, people=list(form.cleaned_data["people"]), **form.service_arguments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Distribution enregistrée pour %(count)s personnes.")
                % {"count": len(form.cleaned_data["people"])},
            )
            return redirect("cases:list")
    return render(request, "cases/distribution.html", {"form": form, "people": people})


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_see_caseload(user):
        raise PermissionDenied
    rows: dict[Any, dict[str, Any]] = {}
    for row in selectors.caseload(access.cases_for(user)):
        entry = rows.setdefault(
            row["assigned_to"],
            {
                "name": f"{row['assigned_to__first_name']} {row['assigned_to__last_name']}".strip()
                or gettext_lazy("Non assigné"),
                "assigned_to": row["assigned_to"],
                "counts": {},
                "total": 0,
            },
        )
        entry["counts"][row["status"]] = row["count"]
        entry["total"] += row["count"]
    statuses = [
        status for status in CaseStatus if status not in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN)
    ]
    table = [
        {**entry, "cells": [entry["counts"].get(status.value, 0) for status in statuses]}
        for entry in rows.values()
    ]
    return render(request, "cases/caseload.html", {"rows": table, "statuses": statuses})
