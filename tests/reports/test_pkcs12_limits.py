"""A PKCS#12 that would hold a worker (20 million key derivation rounds, or a huge file) is refused at once.

The rounds are read from the file's structure before any key is derived; OpenSSL itself has no limit. What
the structure hides (a key bag inside an encrypted bag) is stopped by the time the opening may take.
"""

import datetime
import functools
import os
import time

import pytest
from asn1crypto import algos, cms, core
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import padding as block_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

from scoring import demo, signing
from scoring.models import Report, Sheet
from scoring.signing import pfx
from scoring.signing.pfx import PBMAC1, Pbmac1Params

from .conftest import sign

NOW = datetime.datetime.now(datetime.UTC)
PASSPHRASE = b"dung-mat-khau"
REFUSED = "Chứng thư số dùng số vòng mã hóa quá lớn"


@functools.cache
def key_and_certificate():
    demo_p12 = signing.make_demo_p12(
        "Vũ Minh Tâm",
        PASSPHRASE,
        not_before=NOW - datetime.timedelta(days=1),
        not_after=NOW + datetime.timedelta(days=30),
    )
    return pkcs12.load_key_and_certificates(demo_p12, PASSPHRASE)[:2]


def certificate(rounds: int) -> bytes:
    """A genuine PKCS#12 whose key and certificate are encrypted with `rounds` PBKDF2 rounds."""
    key, cert = key_and_certificate()
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


def encrypted_safe(plain: bytes, rounds: int = 2048) -> cms.ContentInfo:
    """SafeContents encrypted as OpenSSL writes them (PBES2: PBKDF2-SHA256, AES-256-CBC)."""
    salt, iv = os.urandom(16), os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, rounds).derive(PASSPHRASE)
    padder = block_padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    kdf = {"salt": algos.Pbkdf2Salt(name="specified", value=salt), "iteration_count": rounds}
    algorithm = {
        "algorithm": "pbes2",
        "parameters": {
            "key_derivation_func": {
                "algorithm": "pbkdf2",
                "parameters": {**kdf, "prf": {"algorithm": "sha256"}},
            },
            "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
        },
    }
    content = {
        "content_type": "data",
        "content_encryption_algorithm": algorithm,
        "encrypted_content": ciphertext,
    }
    return cms.ContentInfo(
        {"content_type": "encrypted_data", "content": {"version": "v0", "encrypted_content_info": content}}
    )


def with_key_hidden_in_an_encrypted_safe(modest: bytes, rounds: int) -> bytes:
    """A 2.7 KB file whose key bag, claiming `rounds`, sits in a SafeContents bag inside an encrypted safe
    of 2,048 rounds: its count shows only once that safe is decrypted, with the passphrase. (Claiming: the
    key was encrypted with 2,048, so the test need not pay the rounds; OpenSSL pays them before it finds.)"""
    key_bags = next(
        asn1_pkcs12.SafeContents.load(info["content"].native)
        for info in asn1_pkcs12.Pfx.load(modest).authenticated_safe
        if info["content_type"].native == "data"
    )
    for bag in key_bags:
        kdf = bag["bag_value"]["encryption_algorithm"]["parameters"]["key_derivation_func"]
        kdf["parameters"]["iteration_count"] = rounds
    key_bags.dump(force=True)
    nested = asn1_pkcs12.SafeContents([{"bag_id": "safe_contents", "bag_value": key_bags}])
    certificates = next(
        info for info in asn1_pkcs12.Pfx.load(modest).authenticated_safe
        if info["content_type"].native == "encrypted_data"
    )  # fmt: skip
    safes = asn1_pkcs12.AuthenticatedSafe([certificates, encrypted_safe(nested.dump(force=True))])
    return asn1_pkcs12.Pfx(
        {"version": "v3", "auth_safe": {"content_type": "data", "content": safes.dump()}}
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


@pytest.fixture(scope="module")
def hidden(modest) -> bytes:
    return with_key_hidden_in_an_encrypted_safe(modest, 60_000_000)


HIDDEN_REFUSED = "Mở tệp chứng thư số mất quá nhiều thời gian"


def test_rounds_hidden_in_an_encrypted_safe_are_stopped_in_under_a_second(hidden, modest):
    assert len(hidden) < 3000 and max(pfx.kdf_iterations(hidden)) == 2048  # the structure shows nothing
    started = time.monotonic()
    with pytest.raises(signing.TooManyIterationsError, match=HIDDEN_REFUSED):
        signing.load_signer(hidden, PASSPHRASE)
    assert time.monotonic() - started < 1
    # the same construction with modest rounds opens: it is the rounds that are refused
    assert signing.load_signer(with_key_hidden_in_an_encrypted_safe(modest, 2048), PASSPHRASE).signing_cert


@pytest.mark.django_db
def test_the_head_gets_the_hidden_rounds_message_at_once(client, round_2022, hidden, settings):
    client.force_login(round_2022.agency.memberships.get(user__username="vp.thutruong").user)
    started = time.monotonic()
    response = sign(client, round_2022, hidden, PASSPHRASE.decode())
    assert time.monotonic() - started < 1.5  # the page itself, and the opening stopped at its budget
    assert response.status_code == 200 and HIDDEN_REFUSED in response.content.decode()
    round_2022.refresh_from_db()
    assert round_2022.status == Sheet.Status.DRAFT and not Report.objects.get(sheet=round_2022).signed_pdf
    # a normal certificate still opens and signs after a refused one
    demo_p12 = (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes()
    assert sign(client, round_2022, demo_p12, demo.CERT_PASSPHRASE).status_code == 302


def test_a_wrong_passphrase_is_still_told_apart(modest):
    with pytest.raises(signing.SigningError, match="Sai mật khẩu"):
        signing.load_signer(modest, b"sai")
