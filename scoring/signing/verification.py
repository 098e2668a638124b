"""Checking the signatures of a signed PDF where it arrives: intact, changed since signing, trusted or not.

A signature is trusted only when it chains to a certificate passed in as a trust root (the province's, from
``trusted_roots()``); the operating system's store is never used. What is accepted (the changes allowed after
a signature, the key usage, validity and revocation) is `policy`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import read_certification_data, validate_pdf_signature

from . import policy
from .sign import VN_TZ


@dataclass
class SignatureInfo:
    field_name: str
    signer_common_name: str | None
    signing_time: dt.datetime | None  # signer-reported (CMS signingTime), VN tz
    intact: bool  # digest over the signed /ByteRange matches
    valid: bool  # CMS signature value verifies with the cert's public key
    trusted: bool  # chain to a trust root in the ValidationContext
    coverage: str | None  # ENTIRE_FILE / ENTIRE_REVISION / ...
    modification_level: str | None  # NONE / LTA_UPDATES / FORM_FILLING / ... / OTHER
    docmdp_ok: bool | None  # pyHanko's judgment of later incremental updates
    trust_problem: str | None  # AdES sub-indication when not trusted
    summary: str  # e.g. 'INTACT:UNTRUSTED,UNTOUCHED'
    error: str | None = None
    byte_range: tuple[int, ...] = ()  # /ByteRange: (0, before the signature, after it, length after)
    certificate_sha256: str | None = None  # of the signing certificate's DER, hex
    expired: bool = False  # the certificate is outside its validity dates (expired or not yet valid) `at`
    revoked: bool = False  # a CRL or OCSP answer says the certificate (or a CA above it) is revoked


@dataclass
class ValidationResult:
    has_signature: bool
    signatures: list[SignatureInfo]
    error: str | None = None

    @property
    def intact(self) -> bool:
        """Every signature is cryptographically OK, the last one covers the
        whole file (not a single byte appended), and updates between earlier
        signatures were judged acceptable (e.g. adding a 2nd signature).
        Says nothing about trust."""
        if not self.has_signature:
            return False
        *earlier, last = self.signatures
        return (
            all(s.intact and s.valid for s in self.signatures)
            and last.coverage == "ENTIRE_FILE"
            and all(s.docmdp_ok for s in earlier)
        )

    @property
    def trusted(self) -> bool:
        return self.intact and all(s.trusted and not s.expired for s in self.signatures)

    @property
    def verdict(self) -> str:
        """'unreadable' | 'no_signature' | 'broken' (bytes under a signature
        changed / bad CMS) | 'modified' (anything added after the last
        signature, or disallowed changes between signatures)
        | 'expired' (a certificate outside its validity dates) | 'revoked'
        | 'intact_untrusted' | 'trusted'."""
        if self.error:
            return "unreadable"
        if not self.has_signature:
            return "no_signature"
        if not all(s.intact and s.valid for s in self.signatures):
            return "broken"
        if not self.intact:
            return "modified"
        for word in ("expired", "revoked"):
            if any(getattr(s, word) for s in self.signatures):
                return word
        return "trusted" if self.trusted else "intact_untrusted"

    def verdicts(self) -> list[str]:
        """Each signature's own verdict, in signing order, with the words of `verdict`.

        A signature whose bytes verify is still "modified" when something it does not cover came after it:
        a change between signatures that pyHanko's difference analysis refuses, or anything after the last
        signature (then every signature is: what is read is not what anybody signed)."""
        if not self.has_signature:
            return []
        unsigned_tail = self.signatures[-1].coverage != "ENTIRE_FILE"
        verdicts = []
        for index, sig in enumerate(self.signatures):
            last = index == len(self.signatures) - 1
            if not (sig.intact and sig.valid):
                verdicts.append("broken")
            elif unsigned_tail or (not last and not sig.docmdp_ok):
                verdicts.append("modified")
            elif sig.expired or sig.revoked:
                verdicts.append("expired" if sig.expired else "revoked")
            else:
                verdicts.append("trusted" if sig.trusted else "intact_untrusted")
        return verdicts


def validate_pdf(pdf_bytes: bytes, trusted_certs=(), *, at: dt.datetime | None = None) -> ValidationResult:
    """``trusted_certs``: asn1crypto/DER/PEM certs to use as trust roots.
    Empty -> nothing is trusted (never falls back to the OS store).

    ``at``: the moment a certificate's dates are judged at (`expired`), now by default; a caller that
    recorded when the file arrived (a moment the app vouches for, unlike the signer's own clock) passes it,
    so that a report does not turn "expired" when its signer's certificate ends years later. Trust and
    revocation are pyHanko's, judged now."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes))
        embedded = list(reader.embedded_regular_signatures)
    except Exception as e:  # garbage that breaks the PDF structure itself
        return ValidationResult(False, [], error=f"{type(e).__name__}: {e}")
    roots, moment = list(trusted_certs), at or dt.datetime.now(dt.UTC)
    return ValidationResult(bool(embedded), [_signature_info(sig, roots, moment) for sig in embedded])


def _signature_info(sig, roots: list, moment: dt.datetime) -> SignatureInfo:
    try:
        st = validate_pdf_signature(
            sig,
            policy.validation_context(roots),
            diff_policy=policy.DIFF_POLICY,
            key_usage_settings=policy.KEY_USAGE,
        )
    except Exception as e:
        return SignatureInfo(
            sig.field_name, None, None, False, False, False, None, None, None, None, "INVALID",
            error=f"{type(e).__name__}: {e}",
        )  # fmt: skip
    cert = st.signing_cert
    ts = st.signer_reported_dt
    return SignatureInfo(
        field_name=sig.field_name,
        signer_common_name=cert.subject.native.get("common_name"),
        signing_time=ts.astimezone(VN_TZ) if ts else None,
        intact=st.intact,
        valid=st.valid,
        trusted=st.trusted,
        coverage=st.coverage.name if st.coverage is not None else None,
        modification_level=(st.modification_level.name if st.modification_level is not None else None),
        docmdp_ok=st.docmdp_ok,
        trust_problem=(st.trust_problem_indic.name if st.trust_problem_indic is not None else None),
        summary=st.summary(),
        byte_range=tuple(sig.byte_range),
        certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        expired=not (cert.not_valid_before <= moment <= cert.not_valid_after),
        revoked=st.revoked,
    )


def forbids_changes(pdf_bytes: bytes) -> bool:
    """Whether the PDF is certified "no changes allowed" (DocMDP P=1): not even another signature may follow."""
    try:
        info = read_certification_data(PdfFileReader(io.BytesIO(pdf_bytes)))
    except Exception:  # unreadable: validate_pdf says so on its own
        return False
    return info is not None and info.permission == MDPPerm.NO_CHANGES


def trusted_roots() -> list:
    """Certificates of the certification authorities the province trusts (settings.SIGNING_TRUST_ROOTS)."""
    paths = getattr(settings, "SIGNING_TRUST_ROOTS", [])
    return list(load_certs_from_pemder(paths)) if paths else []
