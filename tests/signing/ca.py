"""A certification authority of the tests' own, shaped like the Vietnamese ones: a root, an intermediate that
issues signing certificates, each naming where its CRL and OCSP answers are; and that CRL and OCSP service,
served on loopback by a small HTTP server.

Signing certificates carry digitalSignature only, without nonRepudiation, as real Vietnamese ones may:
what `signing.policy.KEY_USAGE` must accept.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)
DER = serialization.Encoding.DER


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Issued:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    def signer(self) -> signers.SimpleSigner:
        """A pyHanko signer holding the chain, as a token's program is: built directly, so that it signs
        with a certificate whatever its dates (the app's load_signer refuses an expired one)."""
        der_key = self.key.private_bytes(DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        cert = asn1_x509.Certificate.load(self.cert.public_bytes(DER))
        store = SimpleCertificateStore()
        store.register_multiple(
            [cert] + [asn1_x509.Certificate.load(c.public_bytes(DER)) for c in self.chain]
        )
        return signers.SimpleSigner(
            signing_cert=cert, signing_key=asn1_keys.PrivateKeyInfo.load(der_key), cert_registry=store
        )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )


def issue(
    common_name: str,
    issuer: Issued | None,
    *,
    ca: bool = False,
    crl_url: str | None = None,
    ocsp_url: str | None = None,
    not_before: dt.datetime = NOW - DAY,
    not_after: dt.datetime = NOW + 30 * DAY,
) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.cert.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if ocsp_url:
        access = x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    # the chain a signing program embeds: the intermediates, never the root
    chain = [issuer.cert, *issuer.chain] if issuer and issuer.cert.issuer != issuer.cert.subject else []
    return Issued(key, cert, chain)


def crl(issuer: Issued, revoked: list[Issued]) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(NOW - DAY)
        .next_update(NOW + 7 * DAY)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    for one in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(one.cert.serial_number)
            .revocation_date(NOW - DAY / 2)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


@dataclass
class Pki:
    """The hierarchy, its CRLs and OCSP service at `url` (loopback), and signing certificates of each kind."""

    url: str
    root: Issued
    intermediate: Issued
    good: Issued  # CRL and OCSP named
    revoked: Issued  # names a CRL only, which lists it
    revoked_ocsp_only: Issued  # names OCSP only, no CRL: only fetching can tell
    expired: Issued
    not_yet_valid: Issued
    requests: list[str] = field(default_factory=list)  # what the server was asked, by path

    def crl_der(self, name: str) -> bytes:
        if name == "root":
            return crl(self.root, []).public_bytes(DER)
        return crl(self.intermediate, [self.revoked, self.revoked_ocsp_only]).public_bytes(DER)

    def ocsp_der(self, request_der: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(request_der)
        revoked = {self.revoked.cert.serial_number, self.revoked_ocsp_only.cert.serial_number}
        subject = next(
            one.cert for one in (self.good, self.revoked, self.revoked_ocsp_only)
            if one.cert.serial_number == request.serial_number
        )  # fmt: skip
        is_revoked = request.serial_number in revoked
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=subject,
            issuer=self.intermediate.cert,
            algorithm=hashes.SHA256() if isinstance(request.hash_algorithm, hashes.SHA256) else hashes.SHA1(),
            cert_status=ocsp.OCSPCertStatus.REVOKED if is_revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=NOW - DAY / 24,
            next_update=NOW + DAY,
            revocation_time=NOW - DAY / 2 if is_revoked else None,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.intermediate.cert)
        return builder.sign(self.intermediate.key, hashes.SHA256()).public_bytes(DER)

    def roots_file(self, folder) -> str:
        path = folder / "root.pem"
        path.write_bytes(self.root.cert.public_bytes(serialization.Encoding.PEM))
        return str(path)

    def crl_folder(self, folder, *, pem: bool = True):
        """The two CRLs as a province drops them: the intermediate's PEM-encoded (as the national root
        serves its own), the root's DER."""
        folder.mkdir()
        intermediate = x509.load_der_x509_crl(self.crl_der("intermediate"))
        (folder / "intermediate.crl").write_bytes(
            intermediate.public_bytes(serialization.Encoding.PEM) if pem else intermediate.public_bytes(DER)
        )
        (folder / "root.crl").write_bytes(self.crl_der("root"))
        return folder


def _handler(pki: Pki):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server's name)
            pki.requests.append(self.path)
            name = self.path.strip("/").removesuffix(".crl")
            if name in ("root", "intermediate"):
                self._answer(pki.crl_der(name), "application/pkix-crl")
            else:
                self.send_error(404)

        def do_POST(self):  # noqa: N802
            pki.requests.append(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self._answer(pki.ocsp_der(body), "application/ocsp-response")

        def log_message(self, *args):  # quiet
            pass

    return Handler


@pytest.fixture(scope="session")
def pki():
    """The hierarchy and its revocation service, running on 127.0.0.1 for the whole session."""
    holder: dict = {}  # the handler is bound to the Pki once it exists: its certificates need the port
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _handler(holder["pki"])(*a))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    root = issue("Root CA thử nghiệm", None, ca=True)
    intermediate = issue("CA thử nghiệm cấp dưới", root, ca=True, crl_url=f"{url}/root.crl")
    named = {"crl_url": f"{url}/intermediate.crl", "ocsp_url": f"{url}/ocsp"}
    holder["pki"] = made = Pki(
        url=url,
        root=root,
        intermediate=intermediate,
        good=issue("Vũ Minh Tâm", intermediate, **named),
        revoked=issue("Người bị thu hồi", intermediate, crl_url=f"{url}/intermediate.crl"),
        revoked_ocsp_only=issue("Người bị thu hồi (OCSP)", intermediate, ocsp_url=f"{url}/ocsp"),
        expired=issue("Người hết hạn", intermediate, not_before=NOW - 60 * DAY, not_after=NOW - DAY, **named),
        not_yet_valid=issue("Người chưa hiệu lực", intermediate, not_before=NOW + DAY, **named),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield made
    server.shutdown()
    server.server_close()
