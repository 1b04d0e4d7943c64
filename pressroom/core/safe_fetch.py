"""Fetching a web page a person named, without letting the address reach inside our network.

A post's link is typed by a person: fetched naively, `http://169.254.169.254/` or a name that
resolves to 10.0.0.5 would make the server read its own cloud metadata or an intranet page.
So: http and https only, ports 80 and 443, the host resolved here and every address it
resolves to checked (no private, loopback, link-local, multicast, reserved or unspecified
address, nor an IPv4-mapped one), and the connection made to the address checked (the name
goes in the Host header and in TLS's SNI, so the certificate is still checked against it):
a DNS answer that changes between the check and the connection (rebinding) changes nothing.
Each redirect (at most 3) is checked the same way. One time limit covers the whole fetch;
at most LINK_PREVIEW_MAX_BYTES are read; only HTML is returned.

Every refusal is a `FetchRefused` whose `reason` is a code and whose `message` is for people.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_REDIRECTS = 3
STANDARD_PORTS = frozenset({80, 443})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
USER_AGENT = "Pressroom link preview (+https://github.com/pressroom)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses the host resolves to (the system's resolver by default).
Resolver = Callable[[str, int], list[str]]
# Names are resolved in threads of their own: a lookup that hangs past the time limit is left
# behind, not waited for (asyncio.run waits for its default executor's threads).
_RESOLVING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="link-preview-dns")

REASONS: dict[str, Promise] = {
    "off": _("This server does not fetch link previews (it has no access to the internet)."),
    "address": _("The link is not a valid web address."),
    "scheme": _("Only web addresses starting with http:// or https:// can be previewed."),
    "credentials": _("The link contains a user name or password; it is not fetched."),
    "port": _("Only web addresses on the standard ports (80 and 443) can be previewed."),
    "unknown_host": _("The site's name could not be found. Check the link."),
    "internal": _(
        "The link points to an internal or private address; Pressroom does not fetch those."
    ),
    "unreachable": _("The site could not be reached, or its security certificate is not valid."),
    "timeout": _("The site took too long to answer."),
    "redirects": _("The site sent the request on through too many redirects."),
    "status": _("The site answered with an error (HTTP %(status)s)."),
    "not_html": _("The link is not a web page (it is a file or another kind of content)."),
    "encoding": _("The site answered in a form Pressroom cannot read."),
    "nothing": _("The page has no title or description to show."),
}


class FetchRefused(Exception):
    """The page was not fetched: `reason` is a code of REASONS, `message` says why."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status

    @property
    def message(self) -> str:
        return message_for(self.reason, self.status)


def message_for(reason: str, status: int | None = None) -> str:
    """The sentence for a refusal's code, in the language of the moment."""
    text = str(REASONS.get(reason, REASONS["unreachable"]))
    return text % {"status": status or "?"} if "%(status)s" in text else text


@dataclass(frozen=True)
class FetchedPage:
    url: str
    # Where the last redirect led: relative addresses in the page are read against it.
    final_url: str
    content: bytes
    charset: str


@dataclass(frozen=True)
class Policy:
    enabled: bool
    timeout_s: float
    max_bytes: int
    # Networks and ports allowed besides the public ones (only tests and special set-ups).
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    allow_ports: frozenset[int] = frozenset()

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(
            enabled=settings.LINK_PREVIEWS,
            timeout_s=settings.LINK_PREVIEW_TIMEOUT_S,
            max_bytes=settings.LINK_PREVIEW_MAX_BYTES,
            allow_networks=tuple(
                ipaddress.ip_network(network, strict=False)
                for network in settings.LINK_PREVIEW_ALLOW_NETWORKS
            ),
            allow_ports=frozenset(int(port) for port in settings.LINK_PREVIEW_ALLOW_PORTS),
        )


def is_public(address: IPAddress) -> bool:
    """Whether an address is one of the public internet's (an IPv4-mapped IPv6 address is
    judged by the IPv4 address inside it)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def system_resolver(host: str, port: int) -> list[str]:
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


@dataclass(frozen=True)
class _Target:
    """One hop: the address as typed, and the checked address it is fetched from."""

    url: httpx.URL
    pinned: httpx.URL
    host_header: str
    sni: str


def _check(url: str, policy: Policy, resolver: Resolver) -> _Target:
    """The hop's target once every rule holds; FetchRefused otherwise."""
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii").strip("[]")
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        raise FetchRefused("address") from error
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused("scheme")
    if parsed.userinfo:
        raise FetchRefused("credentials")
    if not host:
        raise FetchRefused("address")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if port not in STANDARD_PORTS and port not in policy.allow_ports:
        raise FetchRefused("port")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            answers = resolver(host, port)
            # A scope ("fe80::1%eth0") is no part of the address judged.
            addresses = [ipaddress.ip_address(answer.split("%")[0]) for answer in answers]
        except (OSError, UnicodeError, ValueError) as error:
            raise FetchRefused("unknown_host") from error
    if not addresses:
        raise FetchRefused("unknown_host")
    # Every address the name has must be allowed: a name with one public and one private
    # address would otherwise reach inside on the connection's second try.
    for address in addresses:
        if not is_public(address) and not any(address in net for net in policy.allow_networks):
            raise FetchRefused("internal")
    pinned = parsed.copy_with(host=str(addresses[0]))
    default_port = port == (443 if parsed.scheme == "https" else 80)
    name = parsed.raw_host.decode("ascii")
    return _Target(
        url=parsed,
        pinned=pinned,
        host_header=name if default_port else f"{name}:{port}",
        sni=host,
    )


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """At most max_bytes of the body, decompressed here so that a small compressed answer
    cannot grow past the limit; the rest is never read."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise FetchRefused("encoding")
    decoder = None if encoding in ("identity", "") else zlib.decompressobj(zlib.MAX_WBITS | 32)
    body = bytearray()
    async for chunk in response.aiter_raw():
        if decoder is None:
            body += chunk
        else:
            try:
                data = chunk
                while data and len(body) < max_bytes:
                    body += decoder.decompress(data, max_bytes - len(body))
                    data = decoder.unconsumed_tail
            except zlib.error as error:
                raise FetchRefused("encoding") from error
        if len(body) >= max_bytes:
            break
    return bytes(body[:max_bytes])


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _sep, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return ""


async def _fetch(url: str, policy: Policy, resolver: Resolver) -> FetchedPage:
    timeout = httpx.Timeout(policy.timeout_s)
    # No proxy or .netrc from the environment: the connection goes to the address checked.
    async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            loop = asyncio.get_running_loop()
            target = await loop.run_in_executor(_RESOLVING, _check, current, policy, resolver)
            request = client.build_request(
                "GET",
                target.pinned,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                    "Accept-Encoding": "gzip, deflate, identity",
                },
                extensions={"sni_hostname": target.sni},
            )
            response = await client.send(request, stream=True)
            try:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    if not location:
                        raise FetchRefused("status", response.status_code)
                    current = urljoin(str(target.url), location)
                    continue
                if response.status_code != 200:
                    raise FetchRefused("status", response.status_code)
                content_type = response.headers.get("content-type", "")
                if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
                    raise FetchRefused("not_html")
                content = await _read_capped(response, policy.max_bytes)
            finally:
                await response.aclose()
            return FetchedPage(url, str(target.url), content, _charset(content_type))
    raise FetchRefused("redirects")


def fetch_page(
    url: str, *, policy: Policy | None = None, resolver: Resolver | None = None
) -> FetchedPage:
    """The page at `url`, fetched under the rules above; FetchRefused says why not."""
    policy = policy or Policy.from_settings()
    if not policy.enabled:
        raise FetchRefused("off")

    async def bounded() -> FetchedPage:
        async with asyncio.timeout(policy.timeout_s):
            return await _fetch(url, policy, resolver or system_resolver)

    try:
        return asyncio.run(bounded())
    except TimeoutError as error:
        raise FetchRefused("timeout") from error
    except httpx.TimeoutException as error:
        raise FetchRefused("timeout") from error
    except (httpx.HTTPError, OSError) as error:
        raise FetchRefused("unreachable") from error
