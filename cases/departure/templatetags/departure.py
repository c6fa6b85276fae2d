from typing import Any

from django import template

from cases.departure.navigation import departure_tabs

register = template.Library()


@register.inclusion_tag("departure/_tabs.html", takes_context=True)
def departure_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The tabs of the departure pages, the current one marked."""
    request = context["request"]
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"tabs": departure_tabs(request.user), "current": current}
