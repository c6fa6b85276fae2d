from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartureConfig(AppConfig):
    """Phase 2: travel documents, ticket funding and the waiting list, movements and
    manifests, exit authorisation and departure day. Plugged into the case workflow through
    its registries: `cases` never imports this app."""

    name = "cases.departure"
    label = "departure"
    verbose_name = _("Départ")

    def ready(self) -> None:
        from avrr.demo import register_demo_loader
        from cases.departure import timeline_documents, workflow

        workflow.register()
        timeline_documents.register()
        self._register_funding()
        self._register_movements()
        register_demo_loader("cases.departure.demo.demo_departure_load")

    def _register_funding(self) -> None:
        from avrr.audit import register_action_labels
        from cases.departure import home_funding, timeline_funding
        from cases.departure.services.funding import needs_no_agreement_able_to_pay
        from cases.models import CaseStatus
        from cases.timeline import register_description
        from cases.workflow import register_guard

        register_guard(CaseStatus.WAITING_FUNDS, needs_no_agreement_able_to_pay)
        home_funding.register_panels()
        register_description("funding.reserve", timeline_funding.describe_funding_reserve)
        register_description("funding.release", timeline_funding.describe_funding_release)
        register_action_labels(
            {
                "funding.reserve": _("Billet réservé sur un accord de financement"),
                "funding.release": _("Billet rendu à un accord de financement"),
                "funding_agreement.create": _("Accord de financement créé"),
                "funding_amendment.add": _("Avenant à un accord de financement ajouté"),
            }
        )

    def _register_movements(self) -> None:
        from avrr.audit import register_action_labels
        from avrr.navigation import NavEntry, register
        from cases.departure import access, home_movements, timeline_movements
        from cases.departure.services.movements import tickets_free_on_withdrawal
        from cases.workflow import register_status_listener

        register_status_listener(tickets_free_on_withdrawal)
        # One menu entry: the board, whose tabs lead to the other departure pages.
        register(NavEntry(_("Départs"), "departure:board", access.can_list_movements, 130))
        register(
            NavEntry(
                _("Arrivées attendues"), "departure:arrivals", access.can_see_expected_arrivals, 140
            )
        )
        home_movements.register_panels()
        timeline_movements.register()
        register_action_labels(
            {
                "movement.create": _("Mouvement créé"),
                "movement.leg_add": _("Étape ajoutée à un mouvement"),
                "movement.leg_update": _("Étape d'un mouvement modifiée"),
                "movement.depart": _("Mouvement parti"),
                "movement.cancel": _("Mouvement annulé"),
                "movement.manifest": _("Manifeste téléchargé"),
                "ticket.book": _("Billet réservé"),
                "ticket.update": _("Billet modifié"),
                "ticket.cancel": _("Billet annulé"),
                "ticket.no_show": _("Non-présentation au départ"),
                "exit_authorisation.record": _("Autorisation de sortie enregistrée"),
                "departure_check.update": _("Jour du départ mis à jour"),
            }
        )
