"""The PDF renderer reads our font files and nothing else; report text cannot pull a file in as an image."""

import builtins
import datetime
import subprocess
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from scoring.exports import pdf
from scoring.models import Sheet
from scoring.reports.services import report_for

from ..replay import load_demo

UP = len(pdf.FONT_DIR.parts) - 1  # enough "../" to climb from the font directory to "/"


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file the server must never hand out: a real PNG, so that a renderer that reads it embeds it."""
    path = tmp_path / "bi-mat.png"
    buffer = BytesIO()
    Image.new("RGB", (40, 40), (200, 10, 10)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def opened(monkeypatch, secret) -> list[str]:
    """Every path opened; the secret and /dev/zero cannot be, so a leak shows here instead of a hang."""
    paths: list[str] = []
    forbidden = {str(secret.resolve()), "/dev/zero"}
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        if isinstance(file, (str, Path)):
            paths.append(str(Path(file).resolve()))
            if paths[-1] in forbidden:
                raise PermissionError(f"test: {file} must not be opened")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    return paths


def font_url(tail: str) -> str:
    return pdf.FONT_DIR.as_uri() + "/" + tail


def target(path: Path) -> str:
    return quote(str(path).lstrip("/"))


@pytest.mark.parametrize(
    "make_url",
    [
        pytest.param(lambda p: font_url("%2e%2e/" * UP + target(p)), id="percent-encoded-dots"),
        pytest.param(lambda p: font_url("..%2f" * UP + target(p)), id="encoded-slash"),
        pytest.param(lambda p: font_url("%252e%252e/" * UP + target(p)), id="double-encoded"),
        pytest.param(lambda p: font_url("%252e%252e%252f" * UP + target(p)), id="double-encoded-slash"),
        pytest.param(lambda p: p.as_uri(), id="absolute-file-url"),
        pytest.param(lambda p: "file://localhost" + quote(str(p)), id="file-url-with-host"),
    ],
)
def test_it_refuses_any_path_but_the_fonts_without_opening_it(secret, opened, make_url):
    fetcher = pdf.LocalOnlyFetcher()
    with pytest.raises(ValueError, match="refused to fetch"):
        fetcher.fetch(make_url(secret))
    assert str(secret.resolve()) not in opened


def test_it_refuses_dev_zero_without_reading_it(opened):
    with pytest.raises(ValueError, match="refused to fetch"):
        pdf.LocalOnlyFetcher().fetch(font_url("%2e%2e/" * UP + "dev/zero"))
    assert "/dev/zero" not in opened


def test_it_refuses_a_symlink_in_the_font_directory_that_points_elsewhere(tmp_path, secret, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name, _, _ in pdf.FONT_FACES:
        (fonts / name).symlink_to(pdf.FONT_DIR / name)
    (fonts / "Tinos-Extra.ttf").symlink_to(secret)
    (fonts / "goc").symlink_to("/")
    monkeypatch.setattr(pdf, "FONT_DIR", fonts)
    fetcher = pdf.LocalOnlyFetcher()
    for url in ((fonts / "Tinos-Extra.ttf").as_uri(), (fonts / "goc").as_uri() + "/" + target(secret)):
        with pytest.raises(ValueError, match="refused to fetch"):
            fetcher.fetch(url)
    # The fonts themselves still load, through the same directory.
    regular = fetcher.fetch((fonts / pdf.FONT_FACES[0][0]).as_uri())
    assert regular.read(4) == (pdf.FONT_DIR / pdf.FONT_FACES[0][0]).read_bytes()[:4]
    regular.close()


@pytest.mark.django_db
def test_an_image_in_the_report_text_shows_as_its_text_and_embeds_nothing(secret, tmp_path):
    load_demo()
    report = report_for(sheet=Sheet.objects.get(agency__code="VP"))
    report.number, report.issued_on = "25", datetime.date(2022, 12, 12)
    report.situation = (
        f"Trước ![ảnh **bí mật**]({'%2e%2e/' * UP}{target(secret)}) sau.\n\n"
        f"![tuyệt đối]({secret.as_uri()}) và ![tham chiếu][r]\n\n[r]: {secret.as_uri()}"
    )
    report.save()
    html = pdf.report_html(report)
    assert "<img" not in html
    assert "Trước ảnh bí mật sau." in html and "tuyệt đối và tham chiếu" in html
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(pdf.report_pdf(report))
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    assert listing.stdout.splitlines()[2:] == []  # the two header lines, then no image at all
