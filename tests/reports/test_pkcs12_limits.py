"""A PKCS#12 that would hold a worker (20 million key derivation rounds, or a huge file) is refused at once.

The rounds are read from the file's structure before any key is derived; OpenSSL itself has no limit.
"""

import datetime
import time

import pytest
from asn1crypto import algos, core
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

from scoring import demo, signing
from scoring.models import Report, Sheet
from scoring.signing import pfx
from scoring.signing.pfx import PBMAC1, Pbmac1Params

from .conftest import sign

NOW = datetime.datetime.now(datetime.UTC)
PASSPHRASE = b"dung-mat-khau"
REFUSED = "Chứng thư số dùng số vòng mã hóa quá lớn"


def certificate(rounds: int) -> bytes:
    """A genuine PKCS#12 whose key and certificate are encrypted with `rounds` PBKDF2 rounds."""
    demo_p12 = signing.make_demo_p12(
        "Vũ Minh Tâm",
        PASSPHRASE,
        not_before=NOW - datetime.timedelta(days=1),
        not_after=NOW + datetime.timedelta(days=30),
    )
    key, cert, _ = pkcs12.load_key_and_certificates(demo_p12, PASSPHRASE)
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(rounds)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(PASSPHRASE)
    )
    return pkcs12.serialize_key_and_certificates(b"Vu Minh Tam", key, cert, None, encryption)


def with_mac_rounds(data: bytes, rounds: int) -> bytes:
    """The same file claiming `rounds` for its MAC (the first derivation OpenSSL runs)."""
    pfx_ = asn1_pkcs12.Pfx.load(data)
    pfx_["mac_data"]["iterations"] = rounds
    return pfx_.dump(force=True)


def with_pbmac1(data: bytes, rounds: int) -> bytes:
    """The same file with an RFC 9579 PBMAC1 MAC, its PBKDF2 claiming `rounds`."""
    pfx_ = asn1_pkcs12.Pfx.load(data)
    params = Pbmac1Params(
        {
            "key_derivation_func": algos.KdfAlgorithm(
                {
                    "algorithm": "pbkdf2",
                    "parameters": {
                        "salt": algos.Pbkdf2Salt(name="specified", value=b"s" * 16),
                        "iteration_count": rounds,
                    },
                }
            ),
            "message_auth_scheme": algos.HmacAlgorithm({"algorithm": "sha256"}),
        }
    )
    mac = pfx_["mac_data"]["mac"]["digest_algorithm"]
    mac["algorithm"] = core.ObjectIdentifier(PBMAC1).dotted
    mac["parameters"] = core.Any.load(params.dump())
    return pfx_.dump(force=True)


def with_key_rounds_and_no_mac(data: bytes, rounds: int) -> bytes:
    """The key bag claiming `rounds`, and no MAC: OpenSSL then goes straight to deriving the key."""
    pfx_ = asn1_pkcs12.Pfx.load(data)
    safes = pfx_.authenticated_safe
    for content_info in safes:
        if content_info["content_type"].native == "data":
            bags = asn1_pkcs12.SafeContents.load(content_info["content"].native)
            for bag in bags:
                algorithm = bag["bag_value"]["encryption_algorithm"]
                algorithm["parameters"]["key_derivation_func"]["parameters"]["iteration_count"] = rounds
            content_info["content"] = core.OctetString(bags.dump(force=True))
    return asn1_pkcs12.Pfx(
        {"version": "v3", "auth_safe": {"content_type": "data", "content": safes.dump(force=True)}}
    ).dump()


@pytest.fixture(scope="module")
def modest() -> bytes:
    return certificate(2048)


def test_it_reads_every_derivation_of_a_file_from_its_structure(modest, settings):
    assert pfx.kdf_iterations(modest) == [2048, 2048, 2048]  # the MAC, the certificate bag, the key bag
    assert pfx.kdf_iterations(with_mac_rounds(modest, 20_000_000))[0] == 20_000_000
    assert pfx.kdf_iterations(with_pbmac1(modest, 20_000_000))[0] == 20_000_000
    assert pfx.kdf_iterations(with_key_rounds_and_no_mac(modest, 20_000_000)) == [2048, 20_000_000]


@pytest.mark.parametrize(
    "hostile",
    [
        lambda modest: with_mac_rounds(modest, 20_000_000),
        lambda modest: with_pbmac1(modest, 20_000_000),
        lambda modest: with_key_rounds_and_no_mac(modest, 20_000_000),
    ],
    ids=["mac", "pbmac1", "key-bag"],
)
def test_twenty_million_rounds_are_refused_in_well_under_a_second(modest, hostile):
    data = hostile(modest)
    started = time.monotonic()
    with pytest.raises(signing.TooManyIterationsError) as refused:
        signing.load_signer(data, PASSPHRASE)
    assert time.monotonic() - started < 1
    assert str(refused.value) == (
        "Chứng thư số dùng số vòng mã hóa quá lớn (20.000.000 vòng; phần mềm nhận tối đa 1.000.000 vòng mỗi"
        " lần, 3.000.000 vòng cả tệp). Hãy xuất lại tệp .p12 bằng công cụ thông thường (Windows, OpenSSL)"
        " rồi ký lại."
    )


def test_a_file_larger_than_a_certificate_is_refused_before_it_is_parsed():
    big = asn1_pkcs12.Pfx(
        {"version": "v3", "auth_safe": {"content_type": "data", "content": b"\x30\x00" * 150_000}}
    ).dump()
    with pytest.raises(signing.Pkcs12TooLargeError, match="tối đa 200 KB"):
        signing.load_signer(big, PASSPHRASE)


@pytest.mark.django_db
def test_the_head_gets_the_message_beside_the_form_and_nothing_is_signed(client, round_2022, settings):
    """A genuine certificate, just over the limit (it opens with the right passphrase otherwise)."""
    over = certificate(signing.MAX_KDF_ITERATIONS + 1)
    client.force_login(round_2022.agency.memberships.get(user__username="vp.thutruong").user)
    started = time.monotonic()
    response = sign(client, round_2022, over, PASSPHRASE.decode())
    assert time.monotonic() - started < 1
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    round_2022.refresh_from_db()
    assert round_2022.status == Sheet.Status.DRAFT
    report = Report.objects.get(sheet=round_2022)
    assert not report.signed_pdf and report.signed_at is None
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf"))

    # The demo certificate (cryptography's defaults: 20,000 rounds, a 2,048-round MAC) still opens; the
    # signing with it is test_signing.py's first test.
    demo_p12 = (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes()
    assert max(pfx.kdf_iterations(demo_p12)) == 20_000
    assert signing.load_signer(demo_p12, demo.CERT_PASSPHRASE.encode()).signing_cert is not None
