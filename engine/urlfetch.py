"""Fetching a photo from a link a person sent (seed 000's ``face_image_url``), safely.

A link is an instruction from a stranger to make our server open a connection, so:

* https only, no user:password@ part, at most ``MAX_REDIRECTS`` redirects, each re-checked;
* the host name is resolved once, by us; EVERY returned address must be public (no loopback,
  private, link-local/metadata, CGNAT, multicast, reserved, documentation ranges, nor an
  IPv6 form that embeds one of those), and the connection then goes to exactly those checked
  addresses, so a DNS answer that changes between check and connect (rebinding) cannot
  redirect us. TLS still verifies the certificate for the name and sends it as SNI and Host;
* numeric host tricks ("2130706433", "0x7f.1", "017700000001", "127.1") are read the way
  the C resolver would read them and checked as addresses;
* a byte cap (Content-Length first, then while streaming) and one total deadline.

Refusals are ``UserInputError`` with an ``intake.url_*`` message id. ``fetch_image_url_async``
is the implementation (asyncio; the bots call it), ``fetch_image_url`` runs it for sync code.

``address_check`` is the one test seam for addresses: a Python callable, not a setting, an
environment variable or anything in the URL, so nothing a person sends can widen it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore

from core.errors import UserInputError
from engine.intake import MAX_PHOTO_BYTES

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
AddressCheck = Callable[[IPAddress], bool]

FETCH_TIMEOUT_SECONDS = 20.0
"""Seconds for the whole fetch (DNS, every redirect, the body). A photo host answering
slower than this is not worth keeping the person waiting for."""
CONNECT_TIMEOUT_SECONDS = 8.0
"""Seconds for one TCP+TLS connect; a second address is tried if the first is dead."""
MAX_REDIRECTS = 3
"""Image CDNs need one or two (http->https, short link -> file); more is a loop or a trick."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "PortraitBot/1.0 (+photo fetch)"

BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",        # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",       # private
        "100.64.0.0/10",    # carrier-grade NAT, often a provider's internal network
        "127.0.0.0/8",      # loopback
        "169.254.0.0/16",   # link-local, incl. the cloud metadata address 169.254.169.254
        "172.16.0.0/12",    # private
        "192.0.0.0/24",     # IETF protocol assignments
        "192.0.2.0/24",     # documentation
        "192.88.99.0/24",   # 6to4 relay anycast
        "192.168.0.0/16",   # private
        "198.18.0.0/15",    # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",   # documentation
        "224.0.0.0/4",      # multicast
        "240.0.0.0/4",      # reserved, incl. broadcast 255.255.255.255
        "::/96",            # unspecified, loopback and IPv4-compatible (::a.b.c.d)
        "::ffff:0:0/96",    # IPv4-mapped: checked by the IPv4 inside, never used as is
        "64:ff9b:1::/48",   # local-use NAT64
        "100::/64",         # discard
        "2001::/23",        # IETF protocol assignments (Teredo, ORCHID, ...)
        "2001:db8::/32",    # documentation
        "fc00::/7",         # unique local (private)
        "fe80::/10",        # link-local
        "fec0::/10",        # old site-local
        "ff00::/8",         # multicast
    )
)
"""Address ranges a person's link may never reach (RFC 6890 special-purpose registries)."""

NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
"""Well-known NAT64 prefix: the last 32 bits are an IPv4 address the gateway will reach."""


def is_public_address(ip: IPAddress) -> bool:
    """Whether ``ip`` is an ordinary internet address (no embedded private IPv4 either)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour]
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in NAT64_PREFIX:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(inner is not None and not is_public_address(inner) for inner in embedded):
            return False
        if ip.ipv4_mapped is not None:
            return True  # the IPv4 inside was public
    if any(ip in network for network in BLOCKED_NETWORKS):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for ``host``, in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in seen:
            seen.append(address)
    return seen


@dataclass(frozen=True)
class Target:
    """One parsed, checked-for-shape https URL."""

    url: str
    host: str
    """ASCII (IDNA) host name or IP literal, as used for DNS, SNI and Host."""
    port: int
    target: str
    """Path and query, as sent on the request line."""
    literal: IPAddress | None
    """The address, when the host was an IP (in any spelling) rather than a name."""

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 443 else f"{host}:{self.port}"


def parse_url(url: str) -> Target:
    """Check the shape of a person's link; refuse anything but a plain https URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = 443 if parts.port is None else parts.port
        host = parts.hostname or ""
    except ValueError:
        raise UserInputError("intake.url_invalid") from None
    if parts.scheme.lower() != "https":
        if parts.scheme.lower() in ("http", "ftp", "file", "data", "gopher", "ws", "wss", ""):
            raise UserInputError("intake.url_not_https")
        raise UserInputError("intake.url_invalid")
    if not host or not 0 < port < 65536 or parts.username is not None or parts.password is not None:
        raise UserInputError("intake.url_invalid")
    if any(c.isspace() or ord(c) < 0x21 for c in url):
        raise UserInputError("intake.url_invalid")
    literal = _numeric_host(host)
    if literal is None:
        try:
            host = host.rstrip(".").encode("idna").decode("ascii")
        except UnicodeError:
            raise UserInputError("intake.url_invalid") from None
        if not host or "%" in host:
            raise UserInputError("intake.url_invalid")
    else:
        host = str(literal)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url=url, host=host, port=port, target=target, literal=literal)


def _numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host means, in every spelling a C resolver accepts, else None."""
    if ":" in host:
        if "%" in host:
            raise UserInputError("intake.url_invalid")  # zone ids name a local interface
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise UserInputError("intake.url_invalid") from None
    # inet_aton takes "127.1", "2130706433", "0x7f.1", "017700000001": all 127.0.0.1.
    # A name whose last label is numeric or hex can only be such an address.
    last = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if not last or not (last.isdigit() or (last.startswith("0x") and _is_hex(last[2:]))):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except OSError:
        raise UserInputError("intake.url_invalid") from None


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


async def checked_addresses(
    target: Target, resolver: Resolver, address_check: AddressCheck
) -> list[str]:
    """Resolve once and check EVERY address; refuse if any one is not allowed."""
    if target.literal is not None:
        raw = [str(target.literal)]
    else:
        try:
            raw = list(await asyncio.to_thread(resolver, target.host, target.port))
        except (OSError, UnicodeError):
            raise UserInputError("intake.url_unreachable") from None
    if not raw:
        raise UserInputError("intake.url_unreachable")
    addresses = []
    for text in raw:
        try:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise UserInputError("intake.url_not_public") from None
        if "%" in text or not address_check(ip):
            raise UserInputError("intake.url_not_public")
        addresses.append(str(ip))
    return addresses


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects ``host`` only to the addresses checked for it, trying each in turn."""

    def __init__(self, host: str, addresses: Sequence[str],
                 inner: httpcore.AsyncNetworkBackend) -> None:
        self.host = host
        self.addresses = tuple(addresses)
        self.inner = inner

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if host != self.host:
            raise httpcore.ConnectError(f"refusing to connect to unchecked host {host!r}")
        error: Exception = httpcore.ConnectError("no address")
        for address in self.addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                error = exc
        raise error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for a person's link")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


async def fetch_image_url_async(
    url: str,
    *,
    max_bytes: int = MAX_PHOTO_BYTES,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    resolver: Resolver = system_resolver,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
    ssl_context: ssl.SSLContext | None = None,
    address_check: AddressCheck = is_public_address,
) -> bytes:
    """The bytes at a person's https link (not yet checked as an image: give them to intake)."""
    backend = network_backend or httpcore.AnyIOBackend()
    deadline = time.monotonic() + timeout
    try:
        async with asyncio.timeout(timeout):
            current = url
            for _hop in range(MAX_REDIRECTS + 1):
                target = parse_url(current)
                addresses = await checked_addresses(target, resolver, address_check)
                pinned = PinnedBackend(target.host, addresses, backend)
                status, location, body = await _get(
                    target, pinned, ssl_context, max_bytes, deadline
                )
                if status in REDIRECT_STATUSES:
                    if not location:
                        raise UserInputError("intake.url_bad_status", status=status)
                    current = urljoin(target.url, location)
                    continue
                if status != 200:
                    raise UserInputError("intake.url_bad_status", status=status)
                return body
            raise UserInputError("intake.url_too_many_redirects")
    except TimeoutError:
        raise UserInputError("intake.url_timeout") from None


def fetch_image_url(url: str, **options: Any) -> bytes:
    """``fetch_image_url_async`` (same options) for code without an event loop (CLI, RQ worker)."""
    return asyncio.run(fetch_image_url_async(url, **options))


async def _get(
    target: Target,
    backend: PinnedBackend,
    ssl_context: ssl.SSLContext | None,
    max_bytes: int,
    deadline: float,
) -> tuple[int, str | None, bytes]:
    """One GET on the pinned connection: (status, Location, body if 200)."""
    remaining = max(0.1, deadline - time.monotonic())
    timeouts = {"connect": min(CONNECT_TIMEOUT_SECONDS, remaining), "read": remaining,
                "write": remaining, "pool": remaining}
    headers = [
        (b"Host", target.host_header.encode("ascii")),
        (b"User-Agent", USER_AGENT.encode("ascii")),
        (b"Accept", b"image/*"),
        (b"Accept-Encoding", b"identity"),
    ]
    request_url = httpcore.URL(scheme=b"https", host=target.host.encode("ascii"),
                               port=target.port, target=target.target.encode("utf-8"))
    try:
        async with httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, network_backend=backend, max_connections=1, retries=0
        ) as pool, pool.stream(
            "GET", request_url, headers=headers, extensions={"timeout": timeouts}
        ) as response:
            status = response.status
            if status in REDIRECT_STATUSES:
                return status, _header(response.headers, b"location"), b""
            if status != 200:
                return status, None, b""
            declared = _header(response.headers, b"content-length")
            if declared and declared.strip().isdigit() and int(declared) > max_bytes:
                raise UserInputError("intake.url_too_large", max_mb=max_bytes // 2**20)
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_stream():
                received += len(chunk)
                if received > max_bytes:
                    raise UserInputError("intake.url_too_large", max_mb=max_bytes // 2**20)
                chunks.append(chunk)
            return status, None, b"".join(chunks)
    except (httpcore.TimeoutException, TimeoutError):
        raise UserInputError("intake.url_timeout") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol,
            ssl.SSLError, OSError):
        raise UserInputError("intake.url_unreachable") from None


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None
