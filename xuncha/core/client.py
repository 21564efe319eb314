"""The client's address: the one place any code reads it (rate limits, login throttle, audit, sessions).

Behind a reverse proxy every request comes from the proxy, so the client's address is taken from the
X-Forwarded-For header, but only when REMOTE_ADDR is one of settings.TRUSTED_PROXIES: the header is
read from the right, skipping the configured proxies, and the first address that is not a proxy is the
client (a client can put anything at the left end of the header, but not at the right). A request that
does not come through a configured proxy is answered by its REMOTE_ADDR, whatever headers it carries.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    if parsed is None:
        return False
    return any(parsed in net for net in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()))))


def client_address(request: HttpRequest | None) -> str:
    """The address of the client that sent `request` ('' when unknown)."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", "")).strip()
    if not remote or not is_trusted_proxy(remote):
        return remote[:64]
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            return remote[:64]  # a malformed hop: nothing left of it can be trusted
        if not is_trusted_proxy(str(parsed)):
            return str(parsed)[:64]
    # Every hop is a proxy (or there is no header): the leftmost one is the best we know.
    return (str(_parse(hops[0])) if hops else remote)[:64]
