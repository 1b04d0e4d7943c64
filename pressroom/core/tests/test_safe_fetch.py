"""The safe fetcher: internal addresses refused, the checked address connected to, redirects
re-checked, and the time and size limits held, against a real local web server."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import SimpleTestCase, override_settings

from pressroom.core.page_meta import decode, read_meta
from pressroom.core.safe_fetch import REASONS, FetchRefused, Resolver, fetch_page
from pressroom.core.tests.page_server import PageServer


def names(table: dict[str, list[str]]) -> Resolver:
    """A resolver answering from a table, and counting how often each name was asked."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        resolve.asked.append(host)  # type: ignore[attr-defined]
        return table[host]

    resolve.asked = []  # type: ignore[attr-defined]
    return resolve


class RefusalTests(SimpleTestCase):
    """Without the test setting, nothing inside is fetched, whatever the address looks like."""

    def refused(self, url: str, resolver: Resolver | None = None) -> str:
        with self.assertRaises(FetchRefused) as caught:
            fetch_page(url, resolver=resolver)
        return caught.exception.reason

    def test_internal_addresses_are_refused(self) -> None:
        with PageServer() as server, override_settings(LINK_PREVIEW_ALLOW_PORTS=[server.port]):
            for url in (
                server.url("/page"),
                server.url("/page", host="localhost"),
                server.url("/page", host="[::1]"),
                server.url("/page", host="[::ffff:127.0.0.1]"),
                "http://10.0.0.1/",
                "http://192.168.1.1/",
                "http://172.16.0.1/",
                "http://100.64.0.1/",
                "http://169.254.169.254/latest/meta-data/",
                "http://[fe80::1]/",
                "http://[fd00::1]/",
                "http://[::ffff:10.0.0.1]/",
                "http://0.0.0.0/",
                "http://[::]/",
                "http://224.0.0.1/",
                "http://240.0.0.1/",
                "http://2130706433/",
            ):
                with self.subTest(url):
                    self.assertEqual(self.refused(url), "internal")
            self.assertEqual(server.hosts, [])

    def test_a_name_resolving_to_a_private_address_is_refused(self) -> None:
        resolver = names(
            {"intranet.example": ["10.1.2.3"], "mixed.example": ["93.184.216.34", "10.0.0.7"]}
        )
        self.assertEqual(self.refused("https://intranet.example/", resolver), "internal")
        # One private address among public ones is enough to refuse the name.
        self.assertEqual(self.refused("https://mixed.example/", resolver), "internal")

    def test_other_schemes_ports_and_credentials_are_refused(self) -> None:
        resolver = names({"example.com": ["93.184.216.34"]})
        self.assertEqual(self.refused("ftp://example.com/", resolver), "scheme")
        self.assertEqual(self.refused("file:///etc/passwd", resolver), "scheme")
        self.assertEqual(self.refused("javascript:alert(1)", resolver), "scheme")
        self.assertEqual(self.refused("http://example.com:8080/", resolver), "port")
        self.assertEqual(self.refused("http://example.com:22/", resolver), "port")
        self.assertEqual(self.refused("http://user:secret@example.com/", resolver), "credentials")
        self.assertEqual(self.refused("http://unknown.example/", resolver), "unknown_host")
        self.assertEqual(self.refused("http:///nothing", resolver), "address")

    @override_settings(LINK_PREVIEWS=False)
    def test_nothing_is_fetched_when_previews_are_off(self) -> None:
        self.assertEqual(self.refused("https://example.com/"), "off")

    def test_every_refusal_is_a_sentence_for_people(self) -> None:
        for reason in REASONS:
            with self.subTest(reason):
                message = FetchRefused(reason, 503).message
                self.assertGreater(len(message.split()), 4, message)
                self.assertTrue(message.endswith("."), message)
        self.assertIn("HTTP 404", FetchRefused("status", 404).message)


@override_settings(LINK_PREVIEW_ALLOW_NETWORKS=["127.0.0.1/32"])
class FetchTests(SimpleTestCase):
    """With 127.0.0.1 allowed (as only tests do), the rules that remain still hold."""

    server: PageServer

    def setUp(self) -> None:
        self.server = PageServer().__enter__()
        self.addCleanup(self.server.__exit__)
        allow_port = override_settings(LINK_PREVIEW_ALLOW_PORTS=[self.server.port])
        allow_port.enable()
        self.addCleanup(allow_port.disable)

    def fetch(self, path: str, **kwargs: object) -> object:
        return fetch_page(self.server.url(path), **kwargs)  # type: ignore[arg-type]

    def refused(self, path: str, resolver: Resolver | None = None) -> FetchRefused:
        with self.assertRaises(FetchRefused) as caught:
            fetch_page(self.server.url(path), resolver=resolver)
        return caught.exception

    def test_a_page_is_fetched_and_read(self) -> None:
        page = fetch_page(self.server.url("/page"))
        meta = read_meta(decode(page.content, page.charset), page.final_url)
        self.assertEqual(meta.title, "Lịch tiếp công dân & họp")
        self.assertEqual(meta.description, "Tháng 12 tại UBND huyện.")
        self.assertEqual(meta.image_url, self.server.url("/images/card.jpg"))

    def test_the_address_checked_is_the_one_connected_to(self) -> None:
        # The name resolves once per hop; the request goes to that address and carries the
        # name in its Host header. A second, different answer (rebinding) is never asked for.
        answers = iter([["127.0.0.1"], ["10.0.0.1"]])
        asked: list[str] = []

        def rebinding(host: str, port: int) -> list[str]:
            asked.append(host)
            return next(answers)

        page = fetch_page(self.server.url("/page", host="news.example"), resolver=rebinding)
        self.assertEqual(asked, ["news.example"])
        self.assertEqual(self.server.hosts, [f"news.example:{self.server.port}"])
        self.assertEqual(page.final_url, self.server.url("/page", host="news.example"))

    def test_three_redirects_are_followed_not_four(self) -> None:
        page = fetch_page(self.server.url("/redirect/3"))
        self.assertEqual(page.final_url, self.server.url("/page"))
        self.assertEqual(self.refused("/redirect/4").reason, "redirects")

    def test_each_redirect_is_checked_again(self) -> None:
        self.assertEqual(self.refused("/to?http://10.0.0.1/").reason, "internal")
        self.assertEqual(self.refused("/to?http://169.254.169.254/").reason, "internal")
        self.assertEqual(self.refused("/to?file:///etc/passwd").reason, "scheme")
        resolver = names({"intranet.example": ["192.168.0.10"]})
        self.assertEqual(self.refused("/to?http://intranet.example/", resolver).reason, "internal")

    def test_only_web_pages_are_read(self) -> None:
        self.assertEqual(self.refused("/image").reason, "not_html")
        refusal = self.refused("/missing")
        self.assertEqual((refusal.reason, refusal.status), ("status", 404))

    @override_settings(LINK_PREVIEW_MAX_BYTES=64 * 1024)
    def test_reading_stops_at_the_size_limit(self) -> None:
        page = fetch_page(self.server.url("/endless"))
        self.assertEqual(len(page.content), 64 * 1024)
        self.assertEqual(read_meta(decode(page.content)).title, "Lịch tiếp công dân & họp")
        deadline = time.monotonic() + 5
        while "/endless" not in self.server.written and time.monotonic() < deadline:
            time.sleep(0.05)
        # The server could not send its 100 MB: the connection was closed early.
        self.assertLess(self.server.written["/endless"], 100_000_000)

    @override_settings(LINK_PREVIEW_MAX_BYTES=64 * 1024)
    def test_a_compressed_answer_cannot_grow_past_the_limit(self) -> None:
        page = fetch_page(self.server.url("/bomb"))
        self.assertEqual(len(page.content), 64 * 1024)

    @override_settings(LINK_PREVIEW_TIMEOUT_S=0.5)
    def test_a_slow_site_runs_out_of_time(self) -> None:
        started = time.monotonic()
        self.assertEqual(self.refused("/slow").reason, "timeout")
        self.assertLess(time.monotonic() - started, 2)

    @override_settings(LINK_PREVIEW_TIMEOUT_S=1.0)
    def test_the_time_limit_covers_the_whole_fetch(self) -> None:
        # Each byte arrives well within any read timeout; the whole page would take 6 s.
        started = time.monotonic()
        self.assertEqual(self.refused("/drip").reason, "timeout")
        self.assertLess(time.monotonic() - started, 2.5)

    def test_a_site_that_does_not_answer_is_unreachable(self) -> None:
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        with (
            override_settings(LINK_PREVIEW_ALLOW_PORTS=[port]),
            self.assertRaises(FetchRefused) as caught,
        ):
            fetch_page(f"http://127.0.0.1:{port}/")
        self.assertEqual(caught.exception.reason, "unreachable")


def _self_signed(directory: str) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "news.example")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("news.example")]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


class TlsTests(SimpleTestCase):
    def test_https_to_the_pinned_address_sends_the_name_and_checks_the_certificate(self) -> None:
        import tempfile

        seen: list[str | None] = []
        with tempfile.TemporaryDirectory() as directory:
            cert_path, key_path = _self_signed(directory)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
            context.sni_callback = lambda sock, name, ctx: seen.append(name)
            listener = socket.create_server(("127.0.0.1", 0))
            port = listener.getsockname()[1]
            accept: Callable[[], None] = lambda: _handshake_once(listener, context)  # noqa: E731
            thread = threading.Thread(target=accept, daemon=True)
            thread.start()
            with (
                override_settings(
                    LINK_PREVIEW_ALLOW_NETWORKS=["127.0.0.1/32"], LINK_PREVIEW_ALLOW_PORTS=[port]
                ),
                self.assertRaises(FetchRefused) as caught,
            ):
                fetch_page(
                    f"https://news.example:{port}/", resolver=names({"news.example": ["127.0.0.1"]})
                )
            thread.join(5)
            listener.close()
        # The server was asked for the name's certificate, not the address's; the self-signed
        # one is refused as any certificate not signed by a known authority.
        self.assertEqual(seen, ["news.example"])
        self.assertEqual(caught.exception.reason, "unreachable")


def _handshake_once(listener: socket.socket, context: ssl.SSLContext) -> None:
    connection, _address = listener.accept()
    try:
        with context.wrap_socket(connection, server_side=True):
            pass
    except (ssl.SSLError, OSError):
        pass
