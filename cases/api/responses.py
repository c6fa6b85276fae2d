"""The 404 responses the viewsets document."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse

from avrr.schema import ErrorSerializer

RESPONSE_404_CASE = OpenApiResponse(
    ErrorSerializer, description=_("Dossier inexistant, ou que cet utilisateur ne peut pas voir.")
)
RESPONSE_404_PERSON = OpenApiResponse(
    ErrorSerializer, description=_("Personne inexistante, ou que cet utilisateur ne peut pas voir.")
)
