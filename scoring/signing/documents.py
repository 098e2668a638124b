"""Signing one of the app's documents (the report, the covenant, the dossier's tờ trình): the one way all
three do it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.views.decorators.debug import sensitive_variables
from pyhanko.sign import signers

from .sign import load_signer, sign_pdf

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    signer_name: str  # as the signature box shows it


def name_of(signer: signers.SimpleSigner, fallback: str) -> str:
    """The certificate's common name; `fallback` (the head's name as the app knows it) if it has none."""
    certificate = signer.signing_cert
    return (certificate.subject.native.get("common_name") if certificate else None) or fallback


@sensitive_variables("p12", "passphrase", "signer")
def sign_document(
    document: Callable[[], tuple[bytes, int, Box]],
    *,
    p12: bytes,
    passphrase: bytes,
    fallback_name: str,
    reason: str,
    location: str,
) -> Signed:
    """Sign the PDF `document()` builds (the PDF, the page and the box of its signature block) with the
    certificate `p12`, used for this signing only. The certificate is opened first: a wrong passphrase or
    an expired certificate (SigningError) costs no document."""
    signer = load_signer(p12, passphrase)
    name = name_of(signer, fallback_name)
    pdf, page, box = document()
    signed = sign_pdf(pdf, signer, box=box, page=page, signer_name=name, reason=reason, location=location)
    return Signed(pdf=signed, signer_name=name)
