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
        from avrr.audit import register_action_labels
        from avrr.demo import register_demo_loader
        from cases.departure import timeline, timeline_documents, workflow

        workflow.register()
        timeline.register_descriptions()
        timeline_documents.register()
        register_demo_loader("cases.departure.demo.demo_departure_load")
        register_action_labels(
            {
                "funding.reserve": _("Billet réservé sur un accord de financement"),
                "funding.release": _("Billet rendu à un accord de financement"),
            }
        )
