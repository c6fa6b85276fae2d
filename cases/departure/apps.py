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
        from cases.departure import workflow

        workflow.register()
        register_demo_loader("cases.departure.demo.demo_departure_load")
        self._register_funding()

    def _register_funding(self) -> None:
        from avrr.audit import register_action_labels
        from avrr.navigation import NavEntry, register
        from cases.departure import access, home_funding, timeline_funding
        from cases.timeline import register_description

        register(NavEntry(_("Financement"), "departure:agreements", access.can_see_funding, 140))
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
