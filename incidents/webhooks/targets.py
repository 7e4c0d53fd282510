"""Where a webhook may call: public addresses only, unless WEBHOOKS_ALLOW_PRIVATE_TARGETS says otherwise.

A webhook is set up by an administrator, but the server makes its calls. Pointed at a loopback, private, link-local,
unspecified, multicast or reserved address, it would reach what the outside world cannot: a cloud's metadata
service (169.254.169.254), an admin page on localhost, the database's port (security review F-18). Such a target
is refused when the webhook is created (its host name resolved then), and again on every call: the connection is
made only to an address that was resolved and checked at that moment, so a name that resolves elsewhere later (or
one resolving to a public and a private address) cannot slip through. An IPv4 address written inside an IPv6 one
(IPv4-mapped, 6to4, NAT64) is checked as that IPv4 address; a host name is checked by every address it resolves to.

Through an HTTP(S) proxy (the environment's HTTP_PROXY / HTTPS_PROXY) the proxy resolves the name: the target's
name is then checked as it resolves here, and the proxy (the administrator's own choice) is not.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from flask import current_app

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
PRIVATE_TARGET = "private_target"  # how a refused call's error starts: "private_target <address>"


class TargetRefused(OSError):
    """The host resolves to an address a webhook may not call."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host, self.address = host, address


def forbidden(address: str) -> bool:
    """Whether a webhook may not call this IP address (without WEBHOOKS_ALLOW_PRIVATE_TARGETS)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope (fe80::1%eth0) says nothing here
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            return forbidden(str(ip.ipv4_mapped))
        if ip in NAT64:  # 64:ff9b::a.b.c.d reaches a.b.c.d through a translator (an IPv6-only network's DNS64)
            return forbidden(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        if (ip.sixtofour is not None and forbidden(str(ip.sixtofour))) or ip.is_site_local:
            return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def private_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE_TARGETS"))


def refused_address(host: str, port: int) -> str | None:
    """The first address `host` resolves to that a webhook may not call, or None. A name that does not resolve now
    is not refused: it is checked again on every call, and a call to it fails until it resolves."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    return next((str(info[4][0]) for info in found if forbidden(str(info[4][0]))), None)


def check_url(url: str) -> None:
    """Raise TargetRefused if the URL's host resolves to an address a webhook may not call (unless allowed)."""
    if private_allowed():
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = refused_address(host, parts.port or (443 if parts.scheme == "https" else 80))
    if address is not None:
        raise TargetRefused(host, address)


def connect(address: tuple[str, int], timeout: object = None, source_address=None) -> socket.socket:
    """socket.create_connection, to checked addresses only: the name is resolved once, each address is checked,
    and the connection is made to one of those very addresses."""
    host, port = address
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not private_allowed():
        for *_, sockaddr in found:
            if forbidden(str(sockaddr[0])):
                raise TargetRefused(host, str(sockaddr[0]))
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in found:
        sock = socket.socket(family, kind, proto)
        try:
            if isinstance(timeout, int | float):
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error or OSError(f"{host} has no address")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect


def _proxied(request: urllib.request.Request) -> bool:
    """Whether urllib sends this request through a proxy (then the connection goes to the proxy)."""
    return request.has_proxy() or bool(getattr(request, "_tunnel_host", None))


class CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(http.client.HTTPConnection if _proxied(req) else _CheckedHTTPConnection, req)


class CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(
            http.client.HTTPSConnection if _proxied(req) else _CheckedHTTPSConnection,
            req,
            context=getattr(self, "_context", None),  # the handler's TLS context (None: the default one)
        )


def refusal(exc: BaseException) -> TargetRefused | None:
    """The refusal behind an error of urllib (which wraps what the connection raised in URLError), if it is one."""
    if isinstance(exc, TargetRefused):
        return exc
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, TargetRefused) else None
