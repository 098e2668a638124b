"""Trust as a Vietnamese verifier checks it: a chain to the province's roots, the certificate's dates, and,
with trust roots, revocation as a hard failure, read from the CRLs the province drops in a folder or, when
allowed, fetched from the CRL and OCSP addresses the certificate names (here a loopback server)."""

import datetime
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from scoring.signing import verification


def a_pdf() -> bytes:
    writer = PdfFileWriter()
    text = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Bao cao) Tj ET"))
    writer.insert_page(PageObject(contents=text, media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_by(issued) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(a_pdf())), meta, signer=issued.signer()
    ).getvalue()


@pytest.fixture
def roots(pki, settings, tmp_path):
    settings.SIGNING_TRUST_ROOTS = [pki.roots_file(tmp_path)]
    settings.SIGNING_CRL_DIR = ""
    settings.SIGNING_ALLOW_FETCHING = False
    return verification.trusted_roots()


def verdict(pdf: bytes, roots) -> str:
    [one] = verification.validate_pdf(pdf, trusted_certs=roots).verdicts()
    return one


def test_a_good_certificate_with_the_crls_dropped_in_the_folder_is_trusted(pki, roots, settings, tmp_path):
    """digitalSignature without nonRepudiation, as Vietnamese certificates may be: accepted (policy)."""
    settings.SIGNING_CRL_DIR = str(pki.crl_folder(tmp_path / "crl"))
    assert verdict(signed_by(pki.good), roots) == "trusted"


def test_a_revoked_certificate_is_found_in_the_folders_crl_offline(pki, roots, settings, tmp_path):
    settings.SIGNING_CRL_DIR = str(pki.crl_folder(tmp_path / "crl", pem=False))
    pki.requests.clear()
    result = verification.validate_pdf(signed_by(pki.revoked), trusted_certs=roots)
    assert result.verdicts() == ["revoked"] and result.verdict == "revoked" and not result.trusted
    assert pki.requests == []  # nothing fetched: fetching is off


@pytest.mark.parametrize("who", ["revoked", "revoked_ocsp_only"], ids=["crl", "ocsp"])
def test_a_revoked_certificate_is_found_by_fetching_when_allowed(pki, roots, settings, who):
    settings.SIGNING_ALLOW_FETCHING = True
    pki.requests.clear()
    assert verdict(signed_by(getattr(pki, who)), roots) == "revoked"
    assert ("/ocsp" if who == "revoked_ocsp_only" else "/intermediate.crl") in pki.requests
    # and a good one, fetched the same way, is trusted
    assert verdict(signed_by(pki.good), roots) == "trusted"


def test_without_revocation_information_nothing_is_trusted(pki, roots, settings, tmp_path):
    """Hard failure: no CRL in the folder, fetching off. The signature itself still verifies, and the same
    file is trusted once the CRLs are there: what was missing is the revocation information alone."""
    pdf = signed_by(pki.good)
    result = verification.validate_pdf(pdf, trusted_certs=roots)
    assert result.verdict == "intact_untrusted" and not result.trusted
    assert result.signatures[0].intact and result.signatures[0].valid
    settings.SIGNING_CRL_DIR = str(pki.crl_folder(tmp_path / "crl"))
    assert verdict(pdf, roots) == "trusted"


@pytest.mark.parametrize("who", ["expired", "not_yet_valid"])
def test_a_certificate_outside_its_dates_is_flagged_with_or_without_trust_roots(
    pki, roots, settings, tmp_path, who
):
    pdf = signed_by(getattr(pki, who))
    assert verdict(pdf, []) == "expired"
    settings.SIGNING_CRL_DIR = str(pki.crl_folder(tmp_path / "crl"))
    assert verdict(pdf, roots) == "expired"


def test_dates_are_judged_at_the_moment_the_caller_vouches_for(pki):
    """A report that arrived while its certificate was valid stays so once it has expired."""
    pdf = signed_by(pki.expired)
    assert verdict(pdf, []) == "expired"
    arrived = pki.expired.cert.not_valid_after_utc - datetime.timedelta(days=1)
    [info] = verification.validate_pdf(pdf, at=arrived).signatures
    assert not info.expired and verification.validate_pdf(pdf, at=arrived).verdict == "intact_untrusted"
