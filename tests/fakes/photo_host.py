"""A fake public photo host: real HTTPS on 127.0.0.1 with a certificate for a *name*.

The certificate is made here (self-signed, for ``photos.example`` only), so a client reaches
it only by connecting to 127.0.0.1 while sending the name as SNI and Host and verifying the
certificate against it, which is what ``engine.urlfetch`` does. ``client_ssl_context()``
trusts that certificate and nothing else.

Routes: ``/face.jpg`` (tests/images/face.jpg), ``/hops/{n}`` (n redirects, then the face),
``/to?url=`` (one redirect anywhere), ``/declared-huge`` (Content-Length of 1 GB),
``/endless`` (streams forever, no length), ``/hang`` (headers, then silence), ``/missing`` (404).
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes import SERVER_START_TIMEOUT_S, SERVER_STOP_TIMEOUT_S, free_socket

HOST_NAME = "photos.example"
FACE_JPEG = Path(__file__).resolve().parent.parent / "images" / "face.jpg"


def self_signed_certificate(name: str) -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM) valid for ``name`` only, for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()),
    )


@dataclass
class FakePhotoHost:
    """The photo host; ``requests`` records (path, Host header) of every request served."""

    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cert_pem, self.key_pem = self_signed_certificate(HOST_NAME)
        self.face = FACE_JPEG.read_bytes()
        self._released = threading.Event()
        self.app = Starlette(routes=[
            Route("/face.jpg", self._face),
            Route("/hops/{n:int}", self._hops),
            Route("/to", self._to),
            Route("/declared-huge", self._declared_huge),
            Route("/endless", self._endless),
            Route("/hang", self._hang),
        ])

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this fake's certificate (and verifies host names)."""
        return ssl.create_default_context(cadata=self.cert_pem.decode("ascii"))

    @contextmanager
    def serve(self) -> Iterator[int]:
        """Run over HTTPS on a free loopback port; yields the port."""
        with tempfile.TemporaryDirectory() as folder:
            cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
            cert.write_bytes(self.cert_pem)
            key.write_bytes(self.key_pem)
            sock = free_socket()
            config = uvicorn.Config(self.app, log_level="warning", lifespan="off",
                                    access_log=False, timeout_graceful_shutdown=1,
                                    ssl_certfile=str(cert), ssl_keyfile=str(key))
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("fake photo host did not start")
                time.sleep(0.01)
            self._released.clear()
            try:
                yield sock.getsockname()[1]
            finally:
                self._released.set()
                server.should_exit = True
                thread.join(SERVER_STOP_TIMEOUT_S)
                sock.close()

    def _record(self, request: Request) -> None:
        self.requests.append((request.url.path, request.headers.get("host", "")))

    async def _face(self, request: Request) -> Response:
        self._record(request)
        return Response(self.face, media_type="image/jpeg")

    async def _hops(self, request: Request) -> Response:
        self._record(request)
        n = request.path_params["n"]
        return RedirectResponse("/face.jpg" if n <= 1 else f"/hops/{n - 1}", status_code=302)

    async def _to(self, request: Request) -> Response:
        self._record(request)
        return RedirectResponse(request.query_params["url"], status_code=302)

    async def _declared_huge(self, request: Request) -> Response:
        self._record(request)

        async def little() -> AsyncIterator[bytes]:
            yield self.face[:1000]

        return StreamingResponse(little(), media_type="image/jpeg",
                                 headers={"content-length": str(10**9)})

    async def _endless(self, request: Request) -> Response:
        self._record(request)

        async def forever() -> AsyncIterator[bytes]:
            chunk = b"\xff" * 65536
            while not self._released.is_set():
                yield chunk
                await asyncio.sleep(0)

        return StreamingResponse(forever(), media_type="image/jpeg")

    async def _hang(self, request: Request) -> Response:
        self._record(request)

        async def silence() -> AsyncIterator[bytes]:
            yield self.face[:100]
            while not self._released.is_set():
                await asyncio.sleep(0.02)

        return StreamingResponse(silence(), media_type="image/jpeg")


def loopback(address: str) -> bool:
    """True for 127.0.0.0/8 and ::1, the only addresses the fake host lives on."""
    return ipaddress.ip_address(address).is_loopback
