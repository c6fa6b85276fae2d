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
        from cases.departure.services.movements import tickets_free_on_withdrawal
        from cases.workflow import register_status_listener

        workflow.register()
        register_status_listener(tickets_free_on_withdrawal)
        register_demo_loader("cases.departure.demo.demo_departure_load")
