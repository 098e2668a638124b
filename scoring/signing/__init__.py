"""Signing and checking PDFs, for every wing that signs a document (the report, the covenant, the dossier).

`sign` signs with a PKCS#12 certificate (the head's, used for that one signing), `pfx` and `pfx_open` bound
what a certificate file may cost to open (read from its structure, then a time budget), `verification`
reads back what a signed PDF proves (under `policy`: the changes allowed after a signature, the key usage,
trust, validity and revocation), `external` checks a file signed in another program, and
`documents.sign_document` is how a wing signs one of its documents.
What a caller needs is named here: `from .. import signing`.
"""

from .documents import Signed, name_of, sign_document
from .sign import (
    MAX_KDF_ITERATIONS,
    MAX_PKCS12_BYTES,
    VN_TZ,
    Pkcs12TooLargeError,
    SigningError,
    TooManyIterationsError,
    countersign_pdf,
    load_signer,
    make_demo_p12,
    sign_pdf,
    with_signature_field,
)

__all__ = [
    "MAX_KDF_ITERATIONS",
    "MAX_PKCS12_BYTES",
    "Pkcs12TooLargeError",
    "Signed",
    "SigningError",
    "TooManyIterationsError",
    "VN_TZ",
    "countersign_pdf",
    "load_signer",
    "make_demo_p12",
    "name_of",
    "sign_document",
    "sign_pdf",
    "with_signature_field",
]
