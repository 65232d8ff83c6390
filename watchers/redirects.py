"""Which redirects a fetch may follow: the source's own origin, hosts the operator allowed, never inwards.

A page that redirects elsewhere would have whatever is found there announced as the source's news, and a
public page redirecting to 127.0.0.1, 10.x or 169.254.169.254 would make the bot read its own network.
So a redirect is followed only to the source's host (the same port, or http upgraded to https on 443), or
to a host in the source's `allow_redirects_to` ("host" on the scheme's default port, "host:port",
"[IPv6]:port"),
and never to a loopback, link-local, private or otherwise non-public address unless the source's own
address is one (a source on a private network may redirect within it). The connection a followed hop
then makes looks its host up again, and after a public source's redirect it connects to public addresses
only (watchers.http_deadline), so a name that answers otherwise the second time (DNS rebinding) leads
nowhere.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import SplitResult, urlsplit

MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[Address]]


class UnresolvableHost(Exception):
    """The redirect's host has no address (so it cannot be checked)."""


def resolve(host: str) -> list[Address]:
    """Every address `host` resolves to (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise UnresolvableHost(f"cannot resolve {host}: {exc}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def is_internal(address: Address) -> bool:
    """Loopback, link-local, private, shared, reserved or multicast: not a public internet address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None


def _same_origin(origin: SplitResult, target: SplitResult) -> bool:
    if (origin.hostname or "").lower() != (target.hostname or "").lower():
        return False
    upgrade = origin.scheme == "http" and target.scheme == "https" and _port(target) == 443
    return _port(origin) == _port(target) or upgrade


def allowed_entry(entry: str) -> tuple[str, int | None] | None:
    """An `allow_redirects_to` entry as (host, port or None), or None if it is not "host[:port]"."""
    parts = urlsplit(f"//{entry}")
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    return parts.hostname.lower(), port


def _allowed(target: SplitResult, allowed: Sequence[str]) -> bool:
    host, port = (target.hostname or "").lower(), _port(target)
    for entry in allowed:
        parsed = allowed_entry(entry)
        if parsed is not None and (parsed[0], parsed[1] or _DEFAULT_PORTS.get(target.scheme)) == (host, port):
            return True
    return False


def refusal(
    origin_url: str, target_url: str, allowed: Sequence[str], resolver: Resolver = resolve
) -> str | None:
    """Why the redirect from `origin_url` (the source's URL) to `target_url` must not be followed, or None.

    Raises UnresolvableHost when the target's host has no address.
    """
    origin, target = urlsplit(origin_url), urlsplit(target_url)
    if target.scheme not in _DEFAULT_PORTS or not target.hostname:
        return "not an http(s) URL"
    if _port(target) is None:
        return "not a valid port"
    if not (_same_origin(origin, target) or _allowed(target, allowed)):
        return (
            f"{target.netloc} is not the source's host {origin.netloc}"
            " (list it in the source's allow_redirects_to to follow it)"
        )
    inward = [a for a in resolver(target.hostname) if is_internal(a)]
    if inward and public(origin_url, resolver):
        return f"{target.hostname} is a non-public address ({inward[0]})"
    return None


def public(url: str, resolver: Resolver = resolve) -> bool:
    """Whether the URL's host has public addresses only: a redirect from it may lead nowhere else."""
    try:
        return not any(is_internal(a) for a in resolver(urlsplit(url).hostname or ""))
    except UnresolvableHost:
        return True
