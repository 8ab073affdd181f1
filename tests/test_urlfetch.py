"""Fetching a person's photo link: only public https addresses are ever connected to.

Every refusal is proved without a connection: the resolver is ours and the network backend
records each connection attempt and fails the test on one. The happy path runs against a
real HTTPS photo host on 127.0.0.1 reached under a public-looking name, with the one
test-only widening (``address_check``) that lets loopback through.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpcore
import pytest

import locales
from core.errors import UserInputError
from engine.urlfetch import (
    IPAddress,
    fetch_image_url,
    fetch_image_url_async,
    is_public_address,
    parse_url,
)
from tests.fakes.photo_host import HOST_NAME, FakePhotoHost


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """The real network, with every connection attempt written down (or forbidden)."""

    def __init__(self, *, forbid: bool = False) -> None:
        self.forbid = forbid
        self.attempts: list[tuple[str, int]] = []
        self.real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.attempts.append((host, port))
        if self.forbid:
            pytest.fail(f"a connection to {host}:{port} was attempted")
        return await self.real.connect_tcp(host, port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        pytest.fail("a unix socket connection was attempted")

    async def sleep(self, seconds: float) -> None:
        await self.real.sleep(seconds)


class Resolver:
    """A DNS of our own: name -> addresses; asking for an unknown name fails the test."""

    def __init__(self, answers: dict[str, Sequence[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.answers:
            pytest.fail(f"unexpected DNS lookup of {host}")
        return self.answers[host]


def loopback_or_public(ip: IPAddress) -> bool:
    """The test-only widening: the fake host lives on 127.0.0.1."""
    return ip.is_loopback or is_public_address(ip)


def refusal(url: str, *, answers: dict[str, Sequence[str]] | None = None) -> UserInputError:
    backend = RecordingBackend(forbid=True)
    with pytest.raises(UserInputError) as caught:
        fetch_image_url(url, resolver=Resolver(answers or {}), network_backend=backend)
    assert backend.attempts == []
    return caught.value


FORBIDDEN_ADDRESSES = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "0.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.254",
    "192.168.1.1", "169.254.169.254", "169.254.1.1", "100.64.0.1", "100.127.255.254",
    "224.0.0.251", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.10",
    "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::127.0.0.1",
    "2002:7f00:1::", "2002:a9fe:a9fe::1", "64:ff9b::a9fe:a9fe", "2001:db8::1",
]


@pytest.mark.parametrize("address", FORBIDDEN_ADDRESSES)
def test_name_resolving_to_a_forbidden_address_is_refused_before_connecting(address: str) -> None:
    error = refusal("https://photos.example/me.jpg", answers={"photos.example": [address]})
    assert error.message_id == "intake.url_not_public"


def test_one_forbidden_address_among_public_ones_is_enough_to_refuse() -> None:
    error = refusal("https://cdn.example/me.jpg",
                    answers={"cdn.example": ["93.184.216.34", "2606:2800:220:1::1", "10.0.0.7"]})
    assert error.message_id == "intake.url_not_public"


LITERAL_TRICKS = [
    "https://127.0.0.1/me.jpg", "https://2130706433/me.jpg", "https://0x7f.1/me.jpg",
    "https://0x7f000001/me.jpg", "https://017700000001/me.jpg", "https://0177.0.0.1/me.jpg",
    "https://127.1/me.jpg", "https://0/me.jpg", "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/me.jpg", "https://[::ffff:127.0.0.1]/me.jpg", "https://[::ffff:7f00:1]/me.jpg",
    "https://[fe80::1]/me.jpg", "https://10.0.0.1:8443/me.jpg", "https://100.64.0.1/me.jpg",
    "https://192.168.0.1./me.jpg", "https://[64:ff9b::7f00:1]/me.jpg",
]


@pytest.mark.parametrize("url", LITERAL_TRICKS)
def test_addresses_in_any_spelling_are_refused_without_dns_or_connection(url: str) -> None:
    assert refusal(url).message_id == "intake.url_not_public"


@pytest.mark.parametrize("url", ["http://photos.example/me.jpg", "ftp://photos.example/me.jpg",
                                 "file:///etc/passwd", "photos.example/me.jpg",
                                 "//photos.example/me.jpg"])
def test_links_that_are_not_https_are_refused(url: str) -> None:
    error = refusal(url)
    assert error.message_id == "intake.url_not_https"
    assert "https://" in locales.load().error_text("en", error)


@pytest.mark.parametrize("url", ["https://user:secret@photos.example/me.jpg", "https:///me.jpg",
                                 "javascript:alert(1)", "https://[fe80::1%25eth0]/me.jpg",
                                 "https://photos.example:99999/me.jpg", "https://1.2.3.4.5/x",
                                 "https://photos.example:0/me.jpg", "https://photos.example:x/",
                                 "https://photos .example/me.jpg"])
def test_malformed_links_are_refused(url: str) -> None:
    assert refusal(url).message_id == "intake.url_invalid"


def test_public_addresses_are_public() -> None:
    for text in ("93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:2800:220:1::1",
                 "::ffff:93.184.216.34", "2a00:1450:4001:80b::200e"):
        assert is_public_address(ipaddress.ip_address(text)), text


def test_numeric_hosts_are_read_the_way_the_c_resolver_reads_them() -> None:
    for host in ("2130706433", "0x7f.1", "017700000001", "127.1", "0x7f.0.0.1"):
        assert parse_url(f"https://{host}/").literal == ipaddress.ip_address("127.0.0.1")
    assert parse_url("https://1.2.3.4.nip.io/").literal is None


# --- against a real HTTPS host on loopback ------------------------------------------------


@pytest.fixture(scope="module")
def host() -> Iterator[tuple[FakePhotoHost, int]]:
    fake = FakePhotoHost()
    with fake.serve() as port:
        yield fake, port


def fetch(host: tuple[FakePhotoHost, int], path: str, *, backend: RecordingBackend | None = None,
          answers: dict[str, Sequence[str]] | None = None, **options: Any) -> bytes:
    fake, port = host
    return fetch_image_url(
        f"https://{HOST_NAME}:{port}{path}",
        resolver=Resolver(answers or {HOST_NAME: ["127.0.0.1"]}),
        network_backend=backend or RecordingBackend(),
        ssl_context=fake.client_ssl_context(),
        address_check=loopback_or_public,
        **options,
    )


def test_public_looking_name_that_resolves_to_our_own_loopback_server_is_refused(
    host: tuple[FakePhotoHost, int],
) -> None:
    fake, port = host
    before = len(fake.requests)
    backend = RecordingBackend(forbid=True)
    with pytest.raises(UserInputError) as caught:
        fetch_image_url(f"https://{HOST_NAME}:{port}/face.jpg",
                        resolver=Resolver({HOST_NAME: ["127.0.0.1"]}), network_backend=backend,
                        ssl_context=fake.client_ssl_context())
    assert caught.value.message_id == "intake.url_not_public"
    assert backend.attempts == [] and len(fake.requests) == before


def test_photo_is_fetched_from_the_checked_address_under_its_own_name(
    host: tuple[FakePhotoHost, int],
) -> None:
    fake, port = host
    backend = RecordingBackend()
    data = fetch(host, "/face.jpg", backend=backend)
    assert data == fake.face
    assert backend.attempts == [("127.0.0.1", port)]
    assert fake.requests[-1] == ("/face.jpg", f"{HOST_NAME}:{port}")


def test_the_name_is_resolved_once_and_the_connection_uses_that_answer(
    host: tuple[FakePhotoHost, int],
) -> None:
    """DNS rebinding: a second lookup would say 10.0.0.1, but nobody asks twice."""
    fake, port = host
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    asked: list[str] = []

    def rebinding(name: str, _port: int) -> Sequence[str]:
        asked.append(name)
        return next(answers)

    backend = RecordingBackend()
    data = fetch_image_url(f"https://{HOST_NAME}:{port}/face.jpg", resolver=rebinding,
                           network_backend=backend, ssl_context=fake.client_ssl_context(),
                           address_check=loopback_or_public)
    assert data == fake.face
    assert asked == [HOST_NAME]
    assert backend.attempts == [("127.0.0.1", port)]


def test_redirects_are_followed_up_to_three_hops(host: tuple[FakePhotoHost, int]) -> None:
    assert fetch(host, "/hops/3") == host[0].face


def test_a_fourth_redirect_is_refused(host: tuple[FakePhotoHost, int]) -> None:
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/hops/4")
    assert caught.value.message_id == "intake.url_too_many_redirects"


def test_redirect_to_a_private_address_is_refused_before_connecting_to_it(
    host: tuple[FakePhotoHost, int],
) -> None:
    _, port = host
    backend = RecordingBackend()
    with pytest.raises(UserInputError) as caught:
        fetch(host, f"/to?url=https://intranet.example:{port}/secret.jpg", backend=backend,
              answers={HOST_NAME: ["127.0.0.1"], "intranet.example": ["10.0.0.5"]})
    assert caught.value.message_id == "intake.url_not_public"
    assert backend.attempts == [("127.0.0.1", port)]  # only the first, checked hop


def test_redirect_to_the_metadata_address_is_refused(host: tuple[FakePhotoHost, int]) -> None:
    backend = RecordingBackend()
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/to?url=https://169.254.169.254/latest/meta-data/", backend=backend)
    assert caught.value.message_id == "intake.url_not_public"
    assert all(address == "127.0.0.1" for address, _ in backend.attempts)


def test_redirect_down_to_plain_http_is_refused(host: tuple[FakePhotoHost, int]) -> None:
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/to?url=http://photos.example/face.jpg")
    assert caught.value.message_id == "intake.url_not_https"


def test_declared_oversize_body_is_refused_from_its_content_length(
    host: tuple[FakePhotoHost, int],
) -> None:
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/declared-huge")
    assert caught.value.message_id == "intake.url_too_large"
    assert "20 MB" in locales.load().error_text("en", caught.value)


def test_endless_body_is_cut_off_at_the_byte_cap(host: tuple[FakePhotoHost, int]) -> None:
    started = time.monotonic()
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/endless", max_bytes=2 * 1024 * 1024)
    assert caught.value.message_id == "intake.url_too_large"
    assert time.monotonic() - started < 5


def test_a_host_that_stops_answering_times_out_on_the_total_deadline(
    host: tuple[FakePhotoHost, int],
) -> None:
    started = time.monotonic()
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/hang", timeout=1.0)
    assert caught.value.message_id == "intake.url_timeout"
    assert 0.9 < time.monotonic() - started < 3


def test_missing_photo_reports_the_status(host: tuple[FakePhotoHost, int]) -> None:
    with pytest.raises(UserInputError) as caught:
        fetch(host, "/missing.jpg")
    assert caught.value.message_id == "intake.url_bad_status"
    assert "404" in locales.load().error_text("en", caught.value)


def test_certificate_not_valid_for_the_name_is_unreachable(
    host: tuple[FakePhotoHost, int],
) -> None:
    fake, port = host
    with pytest.raises(UserInputError) as caught:
        fetch_image_url(f"https://other.example:{port}/face.jpg",
                        resolver=Resolver({"other.example": ["127.0.0.1"]}),
                        network_backend=RecordingBackend(), ssl_context=fake.client_ssl_context(),
                        address_check=loopback_or_public)
    assert caught.value.message_id == "intake.url_unreachable"


def test_closed_port_is_unreachable() -> None:
    with pytest.raises(UserInputError) as caught:
        fetch_image_url("https://photos.example:9/face.jpg",
                        resolver=Resolver({"photos.example": ["127.0.0.1"]}),
                        address_check=loopback_or_public)
    assert caught.value.message_id == "intake.url_unreachable"


def test_unknown_name_is_unreachable() -> None:
    def nxdomain(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UserInputError) as caught:
        fetch_image_url("https://no-such-host.example/me.jpg", resolver=nxdomain,
                        network_backend=RecordingBackend(forbid=True))
    assert caught.value.message_id == "intake.url_unreachable"


async def test_the_async_fetch_works_inside_a_running_event_loop(
    host: tuple[FakePhotoHost, int],
) -> None:
    fake, port = host
    data = await fetch_image_url_async(
        f"https://{HOST_NAME}:{port}/face.jpg", resolver=Resolver({HOST_NAME: ["127.0.0.1"]}),
        ssl_context=fake.client_ssl_context(), address_check=loopback_or_public,
    )
    assert data == fake.face
