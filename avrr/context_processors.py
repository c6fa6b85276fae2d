from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from avrr.navigation import entries_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = []
    for entry in entries_for(request.user):
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "active": request.path == url})
    return {"navigation": items}
