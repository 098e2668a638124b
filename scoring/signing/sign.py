"""Signing a PDF (PAdES, pyHanko) with a PKCS#12 certificate the head uploads for one signing.

Key material is only ever held in memory: the PKCS#12 blob is decrypted with ``cryptography`` and
handed to pyHanko as asn1crypto objects; nothing of it is stored. Checking the signatures of a PDF
where it arrives is in ``verification``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.views.decorators.debug import sensitive_variables
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pfx import kdf_iterations
from .pfx_open import Opened, OpenFailed, open_pkcs12

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_FONT = "/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf"


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
class SigningError(Exception):
    """Base class; ``code`` is a stable machine-readable reason."""

    code = "signing_error"


class NotPkcs12Error(SigningError):
    code = "not_pkcs12"


class WrongPassphraseError(SigningError):
    code = "wrong_passphrase"


class NoPrivateKeyError(SigningError):
    code = "no_private_key"


class CertificateExpiredError(SigningError):
    code = "certificate_expired"


class CertificateNotYetValidError(SigningError):
    code = "certificate_not_yet_valid"


class Pkcs12TooLargeError(SigningError):
    code = "pkcs12_too_large"


class TooManyIterationsError(SigningError):
    code = "too_many_iterations"


# --------------------------------------------------------------------------
# 1. Demo credential
# --------------------------------------------------------------------------
def make_demo_p12(
    common_name: str,
    passphrase: bytes,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> bytes:
    """Self-signed RSA-2048 cert + key, exported as passphrase-protected PKCS#12."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # pyHanko's validator requires non_repudiation (= content_commitment) by default
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


# --------------------------------------------------------------------------
# 2. Load credential -> pyHanko signer
# --------------------------------------------------------------------------
# A PKCS#12 is a few KB (a key and a chain of three or four certificates).
MAX_PKCS12_BYTES = 200 * 1024
# Key derivation rounds: OpenSSL writes 2048, Windows 2000, Java's keytool 10,000, cryptography 20,000;
# OWASP's 600,000 for PBKDF2-SHA256 is the most a current tool is advised to use. 1,000,000 leaves room
# above that and costs about 0.13 s here; a file has three derivations (the MAC, the key, the
# certificates), hence the total. (.NET's loader refuses more than 300,000 a derivation, 1,000,000 in all.)
MAX_KDF_ITERATIONS = 1_000_000
MAX_TOTAL_ITERATIONS = 3 * MAX_KDF_ITERATIONS


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _check_cost(data: bytes) -> None:
    """Refuse, before any key is derived, a file that would hold the worker: too big, or too many rounds."""
    if len(data) > MAX_PKCS12_BYTES:
        raise Pkcs12TooLargeError(
            f"Tệp quá lớn để là một chứng thư số (.p12): tối đa {MAX_PKCS12_BYTES // 1024} KB."
        )
    try:
        counts = kdf_iterations(data)
    except ValueError as e:
        raise NotPkcs12Error(f"Không đọc được tệp PKCS#12: {e}") from e
    if max(counts, default=0) > MAX_KDF_ITERATIONS or sum(counts) > MAX_TOTAL_ITERATIONS:
        raise TooManyIterationsError(
            f"Chứng thư số dùng số vòng mã hóa quá lớn ({_thousands(max(counts))} vòng; phần mềm nhận tối"
            f" đa {_thousands(MAX_KDF_ITERATIONS)} vòng mỗi lần, {_thousands(MAX_TOTAL_ITERATIONS)} vòng cả"
            " tệp). Hãy xuất lại tệp .p12 bằng công cụ thông thường (Windows, OpenSSL) rồi ký lại."
        )


def _looks_like_pkcs12(data: bytes) -> bool:
    """Structural check (no decryption). cryptography raises a bare ValueError
    for both "bad password" and "not PKCS#12", so we decide with asn1crypto."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in (
            "data",
            "signed_data",
        )
    except Exception:
        return False


@sensitive_variables("p12", "passphrase", "opened", "signing_key")
def load_signer(p12: bytes, passphrase: bytes, *, now: dt.datetime | None = None) -> signers.SimpleSigner:
    if not isinstance(p12, (bytes, bytearray)) or not _looks_like_pkcs12(bytes(p12)):
        raise NotPkcs12Error("Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx).")
    _check_cost(bytes(p12))
    opened = _open(bytes(p12), passphrase)
    if opened.key is None or opened.certificate is None:
        raise NoPrivateKeyError("Tệp PKCS#12 không chứa khóa bí mật và chứng thư.")
    cert = x509.load_der_x509_certificate(opened.certificate)

    now = now or dt.datetime.now(dt.UTC)
    if now < cert.not_valid_before_utc:
        raise CertificateNotYetValidError(
            "Chứng thư số chưa có hiệu lực (từ "
            f"{cert.not_valid_before_utc.astimezone(VN_TZ):%d/%m/%Y %H:%M})."
        )
    if now > cert.not_valid_after_utc:
        raise CertificateExpiredError(
            f"Chứng thư số đã hết hạn ({cert.not_valid_after_utc.astimezone(VN_TZ):%d/%m/%Y %H:%M})."
        )

    signing_cert = asn1_x509.Certificate.load(opened.certificate)
    signing_key = asn1_keys.PrivateKeyInfo.load(opened.key)
    store = SimpleCertificateStore()
    store.register_multiple([signing_cert] + [asn1_x509.Certificate.load(c) for c in opened.others])
    return signers.SimpleSigner(signing_cert=signing_cert, signing_key=signing_key, cert_registry=store)


@sensitive_variables("p12", "passphrase")
def _open(p12: bytes, passphrase: bytes) -> Opened:
    """The file opened under pfx_open's time budget: what the structure hides stops there."""
    try:
        return open_pkcs12(p12, passphrase)
    except OpenFailed as e:
        if e.reason == "wrong_passphrase":
            raise WrongPassphraseError("Sai mật khẩu của tệp chứng thư số.") from e
        if e.reason == "too_slow":
            raise TooManyIterationsError(
                "Mở tệp chứng thư số mất quá nhiều thời gian (tệp đòi quá nhiều vòng mã hóa, có thể giấu bên"
                " trong tệp). Hãy xuất lại tệp .p12 bằng công cụ thông thường (Windows, OpenSSL) rồi ký lại."
            ) from e
        raise NotPkcs12Error(f"Không đọc được tệp PKCS#12: {e}") from e


# --------------------------------------------------------------------------
# 3. Visible PAdES signature
# --------------------------------------------------------------------------
# Latin + Vietnamese (+ combining marks, punctuation, currency). Subsetting the
# font once up front makes each later signature faster (~290 -> ~180 ms here),
# because pyHanko re-parses (GSUB/GPOS) and subsets the whole font every time.
# Characters outside these ranges would render as .notdef boxes.
_VI_LATIN_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
]


@functools.lru_cache(maxsize=4)
def _font_1000_upem(path: str) -> bytes:
    """pyHanko 0.38 writes /W widths and TJ adjustments in raw font units, but
    PDF glyph space is 1/1000 em -> fonts with unitsPerEm != 1000 (Tinos: 2048)
    get spread ~2x. Rescale to 1000 upem; also drop TrueType hinting (the
    bytecode is not rescaled by scale_upem) and keep only Latin/Vietnamese."""
    font = TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = ["*"]  # keep kern/mark/mkmk/ccmp etc. for HarfBuzz
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = True
    subsetter = subset.Subsetter(opts)
    subsetter.populate(unicodes=[u for a, b in _VI_LATIN_RANGES for u in range(a, b + 1)])
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class InMemoryFontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory that reads the (rescaled) font from memory
    instead of ``open(self.font_file)`` (which also leaks a file handle)."""

    font_bytes: bytes = field(default=b"", repr=False)

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self.font_bytes),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


def _free_field_name(reader: PdfFileReader, base: str = "Signature") -> str:
    existing = {name for name, _, _ in fields.enumerate_sig_fields(reader)}
    i = 1
    while f"{base}{i}" in existing:
        i += 1
    return f"{base}{i}"


def sign_pdf(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    box: tuple[float, float, float, float],
    page: int,
    signer_name: str,
    reason: str,
    location: str,
    font_path: str = DEFAULT_FONT,
    font_size: int = 10,
    signing_time: dt.datetime | None = None,
) -> bytes:
    """``box`` = (x1, y1, x2, y2) in PDF points, origin bottom-left;
    ``page`` is 0-based (negative counts from the end)."""
    shown_time = (signing_time or dt.datetime.now(VN_TZ)).astimezone(VN_TZ)
    font = InMemoryFontFactory(
        font_file=font_path,
        font_bytes=_font_1000_upem(font_path),
        font_size=font_size,  # same size as TextBoxStyle below
        bcp47_lang_code="vi",
    )
    style = TextStampStyle(
        # NB: %(ts)s is always overwritten by pyHanko with the machine-local
        # time, so we use our own key for the Vietnamese-formatted time.
        stamp_text="Ký bởi: %(ky_boi)s\nNgày ký: %(ngay_ky)s",
        text_box_style=TextBoxStyle(font=font, font_size=font_size),
        border_width=1,
        background=None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    field_name = _free_field_name(writer.prev)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer_name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=tuple(box)),
    )
    out = pdf_signer.sign_pdf(
        writer,
        appearance_text_params={
            # NFC: use precomposed Vietnamese glyphs (ữ, ậ, ờ ...) from the font
            "ky_boi": unicodedata.normalize("NFC", signer_name),
            "ngay_ky": shown_time.strftime("%d/%m/%Y %H:%M"),
        },
    )
    return out.getvalue()


def with_signature_field(pdf_bytes: bytes, *, box: tuple[float, float, float, float], page: int) -> bytes:
    """The PDF with an empty signature field over ``box``, as an incremental update.

    A copy to be signed in another program (a USB token's): the program signs into the field, so the
    signature lands in the report's signature block instead of wherever the program puts one."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    name = _free_field_name(writer.prev)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def countersign_pdf(
    pdf_bytes: bytes, signer: signers.Signer, *, signer_name: str, reason: str, location: str
) -> bytes:
    """A further signature, invisible, as an incremental update: the bytes already signed stay as they were,
    so every earlier signature still verifies."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    field_name = _free_field_name(writer.prev)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer_name,
    )
    return signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue()
