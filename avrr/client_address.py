"""The address of the client behind the proxies we trust, for lock-outs, limits and audit.

Behind a TLS-terminating proxy every request comes from the proxy's address; the client's
own is in X-Forwarded-For, where each proxy appends the address it received the request
from. Anyone can send that header, so it is read only when the request comes from a
trusted proxy (settings.TRUSTED_PROXIES), and only from its right end: hops are taken off
right to left while they are trusted proxies, and the first one that is not is the client.
What a client wrote on the left itself is never reached. With no trusted proxy (the
default), the header is ignored and the address is the connection's.

django-ipware was not used: it trusts the header's content without checking that the
request came from a trusted proxy, so a client reaching the application directly chose
its own address.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    """The trusted proxies' networks (`10.0.0.5`, `172.16.0.0/12`); a bad one stops the
    start-up."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an IP address or network"
            ) from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(list(values))


def _address(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str | None:
    """The client's address, as far as trusted proxies vouch for it."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: Address) -> bool:
        return any(address in network for network in trusted)

    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while is_trusted(client) and hops:
        hop = _address(hops.pop())
        if hop is None:
            # Not an address: whoever wrote it is not vouched for; the last trusted hop is
            # what we know.
            break
        client = hop
    return str(client)
