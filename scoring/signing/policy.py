"""What the app accepts of a signed PDF, in one place: which changes may follow a signature, which key usage a
signing certificate needs, and how its chain, validity and revocation are checked. Every validation
(`verification.validate_pdf`, and through it a file signed elsewhere) uses these.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from pathlib import Path

from asn1crypto import crl, pem
from django.conf import settings
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FormUpdatingRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON
from pyhanko.sign.diff_analysis.rules.form_field_rules import is_field_visible
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)


class NoNewVisibleSignatureRule(SigFieldCreationRule):
    """pyHanko's rule for new signature fields, refusing any that shows on a page.

    pyHanko lets a visible signature follow an approval signature, and never looks at what its appearance
    draws: a box over the whole page can show other figures than the ones signed, and a reader sees them as
    the document. A signature added later must be invisible (a zero-size rectangle, as `countersign_pdf`
    and document timestamps make); any other new annotation is refused by pyHanko already."""

    def apply(self, context):
        for name, spec in context.field_specs.items():
            if spec.field_type == "/Sig" and spec.old_field_ref is None and spec.new_field_ref is not None:
                if is_field_visible(spec.new_field_ref.get_object()):
                    raise SuspiciousModification(f"visible signature field {name} added after signing")
        yield from super().apply(context)


# pyHanko's rules with the one above, and one exemption: the first signature may raise /SigFlags (signatures
# exist, append only). pyHanko judges what comes after a signature, when the flags are up already; comparing
# a copy handed out with what its first signature signed (external.check_only_the_signature_was_added)
# judges the signing itself.
DIFF_POLICY = StandardDiffPolicy(
    global_rules=DEFAULT_DIFF_POLICY.global_rules,
    form_rule=FormUpdatingRule(
        field_rules=[NoNewVisibleSignatureRule(), SigFieldModificationRule(), GenericFieldModificationRule()],
        ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"},
    ),
)

# pyHanko asks for nonRepudiation alone by default. Vietnamese signing certificates (the licensed public
# CAs', Ban Cơ yếu's) are issued for digitalSignature, often with nonRepudiation, not always: either one
# says the key is for signing, which is what a verifier here accepts.
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def validation_context(trust_roots: Iterable) -> ValidationContext:
    """How a signing certificate is checked: a path to one of `trust_roots` (none: nothing is trusted, the
    operating system's store is never used), its validity dates, and, with trust roots, revocation as a hard
    failure: a certificate that names a CRL or OCSP service is trusted only once one says it is not revoked.
    The CRLs are those of settings.SIGNING_CRL_DIR, and what is fetched if SIGNING_ALLOW_FETCHING."""
    roots = list(trust_roots)
    return ValidationContext(
        trust_roots=roots,
        crls=crls() if roots else [],
        allow_fetching=bool(roots) and settings.SIGNING_ALLOW_FETCHING,
        revocation_mode="hard-fail" if roots else "soft-fail",
    )


def crls() -> list[crl.CertificateList]:
    """Every CRL in settings.SIGNING_CRL_DIR (DER or PEM, several to a PEM file); one unreadable is left
    out with a warning: revocation then fails, it is never assumed."""
    folder = getattr(settings, "SIGNING_CRL_DIR", "")
    if not folder:
        return []
    found = []
    for path in sorted(Path(folder).iterdir()):
        if path.is_file():
            stat = path.stat()
            found += _crl_file(str(path), stat.st_mtime_ns, stat.st_size)
    return found


@functools.lru_cache(maxsize=64)
def _crl_file(path: str, mtime_ns: int, size: int) -> list[crl.CertificateList]:
    """A file's CRLs, read again only when it changes (a national CRL is large; pages validate often)."""
    data = Path(path).read_bytes()
    try:
        ders = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        lists = [crl.CertificateList.load(der) for der in ders]
        for one in lists:  # read the header now: a broken file is found here, not mid-validation
            one["tbs_cert_list"]["this_update"].native  # noqa: B018
            one.issuer  # noqa: B018
    except Exception as exc:
        logger.warning("CRL file %s unreadable, left out: %s", path, exc)
        return []
    return lists
