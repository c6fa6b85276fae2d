"""The `Idempotency-Key` of referral submissions: its headers, its check, the body hash."""

import hashlib
import json
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# IdempotencyRecord.key
IDEMPOTENCY_KEY_MAX_LENGTH = 200

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Recommandé : une clé unique par référencement (un UUID par exemple, 200 caractères "
        "au plus), choisie par votre outil. Si la réponse se perd et que vous renvoyez la "
        "même requête avec la même clé, le référencement n'est pas créé une deuxième fois : "
        "la réponse est 200 avec le référencement déjà créé et l'en-tête "
        "`Idempotent-Replayed: true`. La même clé avec un autre corps est refusée (422). "
        "Les clés valent pour toute l'organisation, quelle que soit la clé d'API utilisée."
    ),
)
REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    enum=["true"],
    description=_("Présent quand la réponse rejoue une soumission déjà enregistrée."),
    response=[200],
)


def idempotency_key_of(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise exceptions.ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    gettext("La clé d'idempotence a %(max)s caractères au plus.")
                    % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
                ]
            }
        )
    return key


def body_hash(data: Any) -> str:
    """SHA-256 of the body as canonical JSON: the same request however it is laid out."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
