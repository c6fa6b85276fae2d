"""Departure pages: movements. Objects come through cases.departure.access; writes go through
cases.departure.services.movements."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avrr.errors import DomainError
from avrr.models import User
from avrr.rules import request_user
from cases.departure import access
from cases.departure.forms.movements import (
    BookCaseForm,
    CheckForm,
    ExitAuthorisationForm,
    LegForm,
    MovementForm,
    ReasonForm,
    TicketForm,
)
from cases.departure.manifest import manifest_pdf, manifest_xlsx
from cases.departure.models import Movement, MovementStatus, Ticket, TicketStatus
from cases.departure.selectors import movements as selectors
from cases.departure.services import movements as services
from cases.models import Case, CaseStatus

MOVEMENTS_PER_PAGE = 50


def _movement_url(movement: Movement | int, section: str = "") -> str:
    pk = movement if isinstance(movement, int) else movement.pk
    url = reverse("departure:movement", args=[pk])
    return f"{url}#{section}" if section else url


def _form_page(
    request: HttpRequest,
    *,
    movement: Movement,
    title: str,
    form: BaseForm,
    save: Callable[[User], object],
    done: str,
    section: str = "",
    back: str = "",
) -> HttpResponse:
    """A form about a movement: shown on GET; on POST, saved through a service whose
    refusal is shown on the form."""
    user = request_user(request)
    if request.method == "POST" and form.is_valid():
        try:
            save(user)
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(back or _movement_url(movement, section))
    return render(
        request,
        "departure/movements/form.html",
        {"movement": movement, "form": form, "title": title, "back": back},
    )


def _changeable_movement(request: HttpRequest, pk: int) -> tuple[User, Movement]:
    user = request_user(request)
    movement = access.movement_for(user, pk)
    if not access.can_change_movement(user, movement):
        raise PermissionDenied
    return user, movement


def _changeable_ticket(request: HttpRequest, pk: int) -> tuple[User, Ticket]:
    user = request_user(request)
    ticket = access.ticket_for(user, pk)
    if not access.can_change_departure(user, ticket.case):
        raise PermissionDenied
    return user, ticket


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {"data": request.POST} if request.method == "POST" else {}


# Movements ----------------------------------------------------------------------------


@login_required
def movement_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_list_movements(user):
        raise PermissionDenied
    movements = selectors.movement_list(access.movements_for(user))
    page = Paginator(movements, MOVEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "departure/movements/movement_list.html",
        {"page": page, "can_create": access.can_work_on_departures(user)},
    )


@login_required
def movement_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_work_on_departures(user):
        raise PermissionDenied
    form = MovementForm(**_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.movement_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Mouvement %(reference)s créé.") % {"reference": movement.reference}
            )
            return redirect(_movement_url(movement))
    return render(
        request,
        "departure/movements/form.html",
        {"form": form, "title": _("Nouveau mouvement"), "back": reverse("departure:movements")},
    )


@login_required
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    movement = selectors.movement_detail(access.movements_for(user)).filter(pk=pk).first()
    if movement is None:
        raise Http404
    can_change = access.can_change_movement(user, movement)
    planned = movement.status == MovementStatus.PLANNED
    groups = selectors.travellers_by_case(movement)
    for group in groups:
        group.can_depart = can_change and group.case.status == CaseStatus.READY
    context = {
        "movement": movement,
        "legs": selectors.leg_times(list(movement.legs.all())),
        "groups": groups,
        "can_change": can_change and planned,
        "book_form": (
            BookCaseForm(
                cases=access.bookable_cases_for(user, movement),
                agreements=access.agreements_for(user),
            )
            if can_change and planned and movement.legs.all()
            else None
        ),
    }
    return render(request, "departure/movements/movement_detail.html", context)


@login_required
def leg_add(request: HttpRequest, pk: int) -> HttpResponse:
    _user, movement = _changeable_movement(request, pk)
    form = LegForm(**_posted(request))
    return _form_page(
        request,
        movement=movement,
        title=_("Ajouter une étape"),
        form=form,
        save=lambda user: services.leg_add(actor=user, movement=movement, data=form.leg_data()),
        done=_("Étape ajoutée."),
        section="legs",
    )


@login_required
def leg_edit(request: HttpRequest, pk: int, leg_pk: int) -> HttpResponse:
    _user, movement = _changeable_movement(request, pk)
    leg = movement.legs.filter(pk=leg_pk).first()
    if leg is None:
        raise Http404
    form = LegForm(**_posted(request), initial=LegForm.initial_for(leg))
    return _form_page(
        request,
        movement=movement,
        title=_("Modifier l'étape"),
        form=form,
        save=lambda user: services.leg_update(actor=user, leg=leg, data=form.leg_data()),
        done=_("Étape modifiée."),
        section="legs",
    )


@login_required
def movement_book(request: HttpRequest, pk: int) -> HttpResponse:
    user, movement = _changeable_movement(request, pk)
    form = BookCaseForm(
        **_posted(request),
        cases=access.bookable_cases_for(user, movement),
        agreements=access.agreements_for(user),
    )

    def save(actor: User) -> object:
        data = form.cleaned_data
        return services.case_book(
            actor=actor,
            movement=movement,
            case=data["case"],
            agreement=data["agreement"],
            cost=data["cost"],
            currency=data["currency"],
            out_of_order_reason=data["out_of_order_reason"],
        )

    return _form_page(
        request,
        movement=movement,
        title=_("Réserver les billets d'un dossier"),
        form=form,
        save=save,
        done=_("Billets réservés."),
        section="travellers",
    )


# Tickets ------------------------------------------------------------------------------


@login_required
def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _user, ticket = _changeable_ticket(request, pk)
    form = TicketForm(
        **_posted(request),
        initial={
            "number": ticket.number,
            "special_needs": ticket.special_needs,
            "escort": ticket.escort,
        },
    )
    return _form_page(
        request,
        movement=ticket.movement,
        title=_("Billet de %(name)s") % {"name": ticket.person},
        form=form,
        save=lambda user: services.ticket_update(
            actor=user, ticket=ticket, traveller=form.traveller()
        ),
        done=_("Billet enregistré."),
        section="travellers",
    )


@login_required
def ticket_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _user, ticket = _changeable_ticket(request, pk)
    form = ReasonForm(**_posted(request))
    return _form_page(
        request,
        movement=ticket.movement,
        title=_("Annuler le billet de %(name)s") % {"name": ticket.person},
        form=form,
        save=lambda user: services.ticket_cancel(
            actor=user, ticket=ticket, reason=form.cleaned_data["reason"]
        ),
        done=_("Billet annulé ; l'accord a retrouvé son billet."),
        section="travellers",
    )


@login_required
def movement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _user, movement = _changeable_movement(request, pk)
    form = ReasonForm(**_posted(request))
    return _form_page(
        request,
        movement=movement,
        title=_("Annuler le mouvement %(reference)s") % {"reference": movement.reference},
        form=form,
        save=lambda user: services.movement_cancel(
            actor=user, movement=movement, reason=form.cleaned_data["reason"]
        ),
        done=_("Mouvement annulé ; ses billets sont rendus à leurs accords."),
    )


@login_required
def ticket_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    _user, ticket = _changeable_ticket(request, pk)
    form = ReasonForm(**_posted(request))
    return _form_page(
        request,
        movement=ticket.movement,
        title=_("%(name)s ne s'est pas présenté·e") % {"name": ticket.person},
        form=form,
        save=lambda user: services.ticket_no_show(
            actor=user, ticket=ticket, reason=form.cleaned_data["reason"]
        ),
        done=_("Non-présentation enregistrée ; le dossier reste prêt au départ."),
        back=reverse("departure:day", args=[ticket.movement_id]),
    )


@login_required
def exit_authorisation(request: HttpRequest, pk: int) -> HttpResponse:
    _user, ticket = _changeable_ticket(request, pk)
    current = getattr(ticket, "exit_authorisation", None)
    form = ExitAuthorisationForm(
        **_posted(request),
        initial=(
            {
                "pv_number": current.pv_number,
                "issued_on": current.issued_on,
                "police_station": current.police_station,
            }
            if current
            else None
        ),
    )
    return _form_page(
        request,
        movement=ticket.movement,
        title=_("Autorisation de sortie de %(name)s") % {"name": ticket.person},
        form=form,
        save=lambda user: services.exit_authorisation_record(
            actor=user, ticket=ticket, **form.cleaned_data
        ),
        done=_("Autorisation de sortie enregistrée."),
        section="travellers",
    )


# Departure day ------------------------------------------------------------------------


def _check_form(ticket: Ticket, data: Any = None) -> CheckForm:
    check = getattr(ticket, "departure_check", None)
    return CheckForm(
        data,
        prefix=f"t{ticket.pk}",
        initial=CheckForm.initial_for(check, services.check_defaults()),
    )


@login_required
def departure_day(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    movement = selectors.movement_detail(access.movements_for(user)).filter(pk=pk).first()
    if movement is None:
        raise Http404
    if not access.can_change_movement(user, movement):
        raise PermissionDenied
    groups = selectors.travellers_by_case(movement)
    posted_ticket = request.POST.get("ticket") if request.method == "POST" else None
    rows: list[tuple[Case, selectors.Traveller, CheckForm | None]] = []
    for group in groups:
        for traveller in group.travellers:
            ticket = traveller.ticket
            if ticket.status != TicketStatus.BOOKED:
                rows.append((group.case, traveller, None))
                continue
            is_posted = posted_ticket == str(ticket.pk)
            form = _check_form(ticket, request.POST if is_posted else None)
            if is_posted and form.is_valid():
                try:
                    services.departure_check_update(
                        actor=user, ticket=ticket, data=form.check_data()
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("Jour du départ de %(name)s enregistré.") % {"name": ticket.person},
                    )
                    url = reverse("departure:day", args=[movement.pk])
                    return redirect(f"{url}#ticket-{ticket.pk}")
            rows.append((group.case, traveller, form))
    if posted_ticket is not None and not any(
        form is not None and form.is_bound for _case, _traveller, form in rows
    ):
        raise Http404
    return render(
        request,
        "departure/movements/departure_day.html",
        {
            "movement": movement,
            "legs": selectors.leg_times(list(movement.legs.all())),
            "rows": rows,
            "groups": groups,
        },
    )


@login_required
@require_POST
def case_depart(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """The case's travellers have left: the case is `departed` (or what is missing shown)."""
    user, movement = _changeable_movement(request, pk)
    ticket = movement.tickets.filter(case_id=case_pk).select_related("case").first()
    if ticket is None:
        raise Http404
    try:
        services.departure_complete(actor=user, case=ticket.case)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Dossier %(number)s parti.") % {"number": ticket.case.number})
    return redirect(_movement_url(movement, "travellers"))


@login_required
def manifest(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    user = request_user(request)
    movement = access.movement_for(user, pk)
    if not access.can_change_movement(user, movement):
        raise PermissionDenied
    rows = selectors.manifest_rows(movement)
    services.manifest_download_record(actor=user, movement=movement, file_format=file_format)
    if file_format == "pdf":
        content, content_type = manifest_pdf(movement, rows), "application/pdf"
    else:
        content = manifest_xlsx(movement, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    name = f"manifeste-{movement.reference}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Lists around the departure -----------------------------------------------------------


@login_required
def departures_board(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_work_on_departures(user):
        raise PermissionDenied
    rows = selectors.departures_board(access.movements_for(user), today=timezone.localdate())
    return render(
        request,
        "departure/movements/board.html",
        {"rows": rows, "days": selectors.BOARD_DAYS},
    )


@login_required
def blocked_cases(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_see_blocked_cases(user):
        raise PermissionDenied
    rows = selectors.blocked_cases(access.blocked_cases_for(user))
    return render(request, "departure/movements/blocked.html", {"rows": rows})


@login_required
def expected_arrivals(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not access.can_see_expected_arrivals(user):
        raise PermissionDenied
    arrivals = selectors.expected_arrivals(access.expected_arrivals_for(user))
    return render(request, "departure/movements/arrivals.html", {"arrivals": arrivals})


urlpatterns: list[URLPattern] = [
    path("movements/", movement_list, name="movements"),
    path("movements/new/", movement_create, name="movement_new"),
    path("movements/<int:pk>/", movement_detail, name="movement"),
    path("movements/<int:pk>/legs/new/", leg_add, name="leg_add"),
    path("movements/<int:pk>/legs/<int:leg_pk>/", leg_edit, name="leg_edit"),
    path("movements/<int:pk>/book/", movement_book, name="movement_book"),
    path("movements/<int:pk>/day/", departure_day, name="day"),
    path("movements/<int:pk>/cases/<int:case_pk>/depart/", case_depart, name="case_depart"),
    path("movements/<int:pk>/manifest.pdf", manifest, {"file_format": "pdf"}, name="manifest_pdf"),
    path(
        "movements/<int:pk>/manifest.xlsx", manifest, {"file_format": "xlsx"}, name="manifest_xlsx"
    ),
    path("tickets/<int:pk>/", ticket_edit, name="ticket"),
    path("movements/<int:pk>/cancel/", movement_cancel, name="movement_cancel"),
    path("tickets/<int:pk>/cancel/", ticket_cancel, name="ticket_cancel"),
    path("tickets/<int:pk>/no-show/", ticket_no_show, name="ticket_no_show"),
    path("tickets/<int:pk>/exit-authorisation/", exit_authorisation, name="exit_authorisation"),
    path("board/", departures_board, name="board"),
    path("blocked/", blocked_cases, name="blocked"),
    path("arrivals/", expected_arrivals, name="arrivals"),
]
