"""Where a request comes from: the client's address, behind as many proxies as configured.

``POAM_PROXY_HOPS`` (default 0) says how many reverse proxies in front of poam append to
``X-Forwarded-For``; poam then takes the address that many entries from the right, which a client
cannot forge. With 0 the header is ignored (a client could write anything in it).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, or None when there is no request or no usable address."""
    if request is None:
        return None
    hops = int(getattr(settings, "POAM_PROXY_HOPS", 0) or 0)
    candidate = request.META.get("REMOTE_ADDR", "")
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    return _valid(candidate)


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()[:64]))
    except ValueError:
        return None


def address_key(ip: str | None) -> str:
    """The back-off key of an address: IPv4 as is, IPv6 by its /64 (one subscriber's block)."""
    if ip is None:
        return "address:unknown"
    parsed = ipaddress.ip_address(ip)
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        return "address:" + str(ipaddress.ip_network(f"{ip}/64", strict=False))
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return f"address:{parsed.ipv4_mapped}"
    return f"address:{parsed}"
