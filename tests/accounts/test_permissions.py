"""Every view × every role × own / other agency. Other agencies get 404 and change nothing."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scoring.accounts.access import POLICY
from scoring.models import (
    Bloc,
    BlocYear,
    Citation,
    Document,
    Dossier,
    DossierLine,
    ExportJob,
    ImportJob,
    Report,
    Rubric,
    Score,
    Sheet,
    SheetSnapshot,
    SupersededReport,
)

from ..awards.conftest import closed_round, deputy_reviewer  # noqa: F401 (fixtures)
from ..factories import PDF, edit_data, field

pytestmark = pytest.mark.django_db

OWN = ("editor", "head")
# role → expected status, for views on VP's data; "own_reviewer" works in VP but does not score, nor does
# "own_admin" (an "admin" of VP: nothing beyond reading its own agency's pages)
VIEWS = {
    "sheet_detail GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "sheet_edit GET": {"editor": 200, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "sheet_edit POST": {"editor": 302, "head": 302, "own_reviewer": 403, "own_admin": 403},
    # "Đưa vào sổ tài liệu" beside a citation written in an explanation: enters it in the register
    "sheet_edit POST+register": {"editor": 302, "head": 302, "own_reviewer": 403, "own_admin": 403},
    # submitting is signing: the old address leads the head to it, and an unsigned submission is not taken
    "sheet_submit GET": {"editor": 403, "head": 302, "own_reviewer": 403, "own_admin": 403},
    "sheet_submit POST": {"editor": 403, "head": 302, "own_reviewer": 403, "own_admin": 403},
    "sheet_history GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "sheet_start POST": {"editor": 302, "head": 302, "own_reviewer": 404, "own_admin": 404},
    "evidence_list GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "evidence_create GET": {"editor": 200, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "evidence_create POST": {"editor": 302, "head": 302, "own_reviewer": 403, "own_admin": 403},
    "evidence_edit GET": {"editor": 200, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "evidence_edit POST": {"editor": 302, "head": 302, "own_reviewer": 403, "own_admin": 403},
    "evidence_file GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    # a file the sheet cites (a draft: nobody outside the agency opens it)
    "sheet_evidence_file GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "citation_parse GET": {"editor": 200, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "sheet_pdf GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "sheet_xlsx GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "report_edit GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "report_edit POST": {
        "editor": 302,
        "head": 302,
        "own_reviewer": 302,
        "own_admin": 302,
    },  # the reviewer is told it is read-only
    "report_download GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    "report_sign GET": {"editor": 403, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "report_sign POST": {"editor": 403, "head": 200, "own_reviewer": 403, "own_admin": 403},  # not a .p12
    # the agency's own lines in the award dossiers sent to the province (issue 16)
    "agency_awards GET": {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200},
    # signing in another program: the copy to sign, the signed file back (refused here: not a PDF)
    "report_for_signing GET": {"editor": 403, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "report_upload_signed GET": {"editor": 403, "head": 200, "own_reviewer": 403, "own_admin": 403},
    "report_upload_signed POST": {"editor": 403, "head": 200, "own_reviewer": 403, "own_admin": 403},
    # counter-signing is the reviewing agency's: nobody in VP itself
    "report_countersign GET": {"editor": 403, "head": 403, "own_reviewer": 403, "own_admin": 403},
}
# users of other agencies: another member of the same bloc, an agency of another bloc, the bloc leader's
# reviewer, the province's administrator, an "admin" of another agency (outside the bloc, and the leader)
OUTSIDERS = ("same_bloc", "other", "reviewer", "admin", "other_admin", "leader_admin")


@pytest.fixture
def world(vp_sheet, cast):
    Report.objects.create(sheet=vp_sheet, number="25", subject="Báo cáo")
    document = Document.objects.create(
        agency=vp_sheet.agency,
        kind="KH",
        number="495/KH-VP",
        issued_on="2022-03-29",
        original_name="kh.pdf",
        file=SimpleUploadedFile("kh.pdf", PDF),
    )
    cite(vp_sheet, document)
    return {"sheet": vp_sheet, "document": document}


def cite(sheet, document) -> None:
    """The sheet cites the document under its first criterion."""
    criterion = sheet.rubric.criteria.filter(parent__isnull=False).first()
    score, _ = Score.objects.get_or_create(sheet=sheet, criterion=criterion, defaults={"points": 1})
    Citation.objects.get_or_create(score=score, document=document)


def request(client, name: str, world):
    view, method = name.split()
    method, _, variant = method.partition("+")
    sheet, document = world["sheet"], world["document"]
    args = {
        "sheet_start": [sheet.rubric_id],
        "evidence_list": ["VP"],
        "agency_awards": ["VP"],
        "evidence_create": ["VP"],
        "citation_parse": ["VP"],
        "evidence_edit": ["VP", document.pk],
        "evidence_file": ["VP", document.pk],
        "sheet_evidence_file": [sheet.pk, document.pk, document.version],
    }.get(view, [sheet.pk])
    url = reverse(view, args=args)
    if method == "GET":
        return client.get(url, {"q": "Kế hoạch số 1/KH-VP ngày 2/3/2022"} if view == "citation_parse" else {})
    data = {
        "sheet_edit": lambda: edit_data(
            sheet,
            **{field(sheet, "p", "1:1.1"): "42"},
            **{"register": f"{field(sheet, 'p', '1:1.1')[2:]}|Kế hoạch số 77/KH-VP ngày 1/2/2022"}
            if variant == "register"
            else {},
        ),
        "sheet_submit": lambda: {"version": Sheet.objects.get(pk=sheet.pk).version},
        "evidence_create": lambda: {"kind": "QĐ", "number": "9/QĐ-VP", "issued_on": "01/02/2022"},
        "report_edit": lambda: {"number": "26", "subject": "Sửa báo cáo"},
        "report_upload_signed": lambda: {"signed_pdf": SimpleUploadedFile("bc.pdf", b"not a pdf")},
        "report_sign": lambda: {
            "certificate": SimpleUploadedFile("x.p12", b"not a certificate"),
            "version": Sheet.objects.get(pk=sheet.pk).version,
        },
        "evidence_edit": lambda: {
            "kind": "KH",
            "number": "495/KH-VP",
            "issued_on": "29/03/2022",
            "subject": "Sửa",
        },
    }.get(view, dict)()
    return client.post(url, data)


def state(world):
    sheet = Sheet.objects.get(pk=world["sheet"].pk)
    return (
        sheet.status,
        sheet.version,
        list(Score.objects.values_list("points", flat=True)),
        list(Document.objects.values_list("number", "subject")),
        list(Report.objects.values_list("number", "subject", "signed_pdf", "countersigned_at")),
    )


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("role", [*OWN, "own_reviewer", "own_admin"])
def test_own_agency_roles(client, cast, world, name, role):
    client.force_login(cast[role])
    assert request(client, name, world).status_code == VIEWS[name][role]


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("role", OUTSIDERS)
def test_other_agencies_get_404_and_change_nothing(client, cast, world, name, role):
    client.force_login(cast[role])
    if role == "same_bloc" and name == "sheet_start POST":
        # A member of the bloc starting the bloc's rubric starts its own sheet; VP's stays as it was.
        before = state(world)
        response = request(client, name, world)
        own = Sheet.objects.get(agency=cast[role].memberships.get().agency)
        assert response["Location"] == reverse("sheet_edit", args=[own.pk])
        assert state(world) == before
        return
    before = state(world)
    response = request(client, name, world)
    assert response.status_code == 404
    assert state(world) == before


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_users_go_to_the_login_page(client, world, name):
    before = state(world)
    response = request(client, name, world)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert state(world) == before


@pytest.mark.parametrize("name", [n for n in VIEWS if n.startswith(("sheet_edit", "sheet_submit"))])
def test_a_submitted_sheet_is_read_only_to_its_agency(client, cast, world, name):
    Sheet.objects.filter(pk=world["sheet"].pk).update(status=Sheet.Status.SUBMITTED)
    client.force_login(cast["head"])
    before = state(world)
    response = request(client, name, world)
    assert response.status_code == 302
    assert response["Location"] == reverse("sheet_detail", args=[world["sheet"].pk])
    assert state(world) == before


def test_the_policy_table_names_every_action_the_views_use():
    assert set(POLICY) == {
        "sheet.view",
        "sheet.edit",
        "sheet.submit",
        "sheet.history",
        "sheet.download",
        "sheet.evidence",
        "report.view",
        "report.countersign",
        "evidence.view",
        "evidence.edit",
        "history.agency",
        "history.bloc",
        "pledge.view",
        "pledge.edit",
        "pledge.submit",
        "covenant.view",
        "covenant.make",
        "covenant.sign",
        "province.admin",
        "dossier.prepare",
    }


# ---------------------------------------------------------------- the bloc's side

# view → identities that get in (with this status); everybody else gets 404 and changes nothing. VP's sheet
# is submitted; TTR leads the bloc: its reviewer follows and reviews it, the province's administrator too.
OWN_AND_BLOC = {
    "editor": 200,
    "head": 200,
    "own_reviewer": 200,
    "own_admin": 200,
    "reviewer": 200,
    "admin": 200,
}
BLOC_VIEWS = {
    # the submitted sheet itself, read-only, and the files it cites
    "sheet_detail GET": OWN_AND_BLOC,
    "sheet_history GET": OWN_AND_BLOC,
    "sheet_pdf GET": OWN_AND_BLOC,
    "sheet_xlsx GET": OWN_AND_BLOC,
    "sheet_evidence_file GET": OWN_AND_BLOC,
    # So sánh các năm: VP's years (its submitted 2022 for the bloc's side), the bloc's years
    "agency_history GET": OWN_AND_BLOC,
    "agency_history_xlsx GET": OWN_AND_BLOC,
    "agency_history_pdf GET": OWN_AND_BLOC,
    "bloc_history GET": {"reviewer": 200, "admin": 200},
    "bloc_history_xlsx GET": {"reviewer": 200, "admin": 200},
    "bloc_history_pdf GET": {"reviewer": 200, "admin": 200},
    "bloc_board GET": {"reviewer": 200, "admin": 200},
    "bloc_ranking GET": {"reviewer": 200, "admin": 200},
    # the bloc's tables, as a background job: asking for it, its status, its file; the old address of the
    # tables (built in the request, once) sends a bookmark to the board's export section
    "bloc_export_moved_xlsx GET": {"reviewer": 302, "admin": 302},
    "export_job_start_xlsx POST": {"reviewer": 302, "admin": 302},
    "export_job_status GET": {"reviewer": 200, "admin": 200},
    "export_job_file GET": {"reviewer": 200, "admin": 200},
    "received_reports GET": {"reviewer": 200, "admin": 200},
    # a received file checked again on demand, and a file set aside by a later submission
    "received_report_recheck POST": {"reviewer": 302, "admin": 302},
    "received_superseded_file GET": {"reviewer": 200, "admin": 200},
    # VP's signed report: its reviewer (the leader's) counter-signs it, nobody else; VP itself gets 403
    "report_countersign GET": {
        "editor": 403,
        "head": 403,
        "own_reviewer": 403,
        "own_admin": 403,
        "reviewer": 200,
    },
    "report_countersign POST": {
        "editor": 403,
        "head": 403,
        "own_reviewer": 403,
        "own_admin": 403,
        "reviewer": 200,
    },
    "sheet_review GET": {"reviewer": 200, "admin": 200},
    "sheet_review POST": {"reviewer": 302, "admin": 302},  # accepts VP's sheet
    "round_close POST": {"admin": 302},  # only the province's administrators close a year
    # the province's desk and its table of all blocs, for the province's administrators alone
    "province_desk GET": {"admin": 200},
    "province_job_start_xlsx POST": {"admin": 302},
    "province_job_status GET": {"admin": 200},
    "province_job_file GET": {"admin": 200},
    # the province's set-up: the rubric editor (its deadline set here)
    "rubric_editor GET": {"admin": 200},
    "rubric_editor POST": {"admin": 302},
}
IDENTITIES = (*OWN, "own_reviewer", "own_admin", *OUTSIDERS)


def bloc_state(sheet):
    sheet = Sheet.objects.select_related("rubric").get(pk=sheet.pk)
    rubric = sheet.rubric
    return (
        sheet.status,
        sheet.version,
        rubric.status,
        rubric.deadline,
        rubric.round_events.count(),
        ExportJob.objects.count(),
        list(Report.objects.values_list("signed_pdf", "countersigned_at", "checked_at")),
    )


def bloc_request(client, name: str, sheet, review_form: dict):
    view, method = name.split()
    args = {
        "received_reports": [],
        "received_report_recheck": [sheet.report.pk],
        "received_superseded_file": [sheet.report.pk, sheet.report.superseded.get().pk],
        "sheet_review": [sheet.pk],
        "province_desk": [],
        "rubric_editor": [sheet.rubric_id],
        "report_countersign": [sheet.pk],
    }.get(view, ["TMTH", 2022])
    if view in ("sheet_detail", "sheet_history", "sheet_pdf", "sheet_xlsx"):
        args = [sheet.pk]
    if view.startswith("agency_history"):
        args = ["VP"]
    if view.startswith("bloc_history"):
        args = ["TMTH"]
    if view == "sheet_evidence_file":
        document = Document.objects.get(number="495/KH-VP")
        args = [sheet.pk, document.pk, document.version]
    if view in ("export_job_status", "export_job_file"):
        args.append(done_export_job().pk)
    if view.startswith("province_job"):
        args = [2022, *([done_export_job(province=True).pk] if view != "province_job_start_xlsx" else [])]
    url = reverse(view, args=args)
    if method == "GET":
        return client.get(url)
    data = {
        "sheet_review": review_form,
        "rubric_editor": {"op": "deadline", "deadline": "20/12/2022"},
        "report_countersign": {"certificate": SimpleUploadedFile("x.p12", b"not a certificate")},
    }.get(view, {})
    return client.post(url, data)


def done_export_job(*, province: bool = False) -> ExportJob:
    """A finished export of the bloc's tables (or of the province's table of 2022), its file in MEDIA_ROOT."""
    job = ExportJob.objects.filter(bloc_year__isnull=province).first()
    if job is None:
        scope = {"year": 2022} if province else {"bloc_year": BlocYear.objects.get(year=2022)}
        job = ExportJob.objects.create(kind="xlsx", **scope)
        job.file.save("bang.xlsx", ContentFile(b"PK\x03\x04"), save=False)
        ExportJob.objects.filter(pk=job.pk).update(file=job.file.name, status="done")
    return job


@pytest.fixture
def submitted(vp_sheet, cast):
    document = Document.objects.create(
        agency=vp_sheet.agency, kind="KH", number="495/KH-VP", issued_on="2022-03-29", original_name="kh.pdf"
    )
    document.file.save("kh.pdf", ContentFile(PDF), save=False)
    Document.objects.filter(pk=document.pk).update(file=document.file.name, file_type="pdf")
    cite(vp_sheet, document)
    report = Report.objects.create(sheet=vp_sheet, number="25")
    old = SupersededReport(report=report, reason="Khối trưởng trả lại.")
    old.signed_pdf.save("bao-cao-cu.pdf", ContentFile(PDF))  # saves the row too
    report.signed_pdf.save("bao-cao.pdf", ContentFile(PDF))
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    report.snapshot = SheetSnapshot.objects.create(sheet=vp_sheet, version=vp_sheet.version, data={})
    report.save()
    done_export_job()
    done_export_job(province=True)
    reviewer = Client()
    reviewer.force_login(cast["reviewer"])
    form = reviewer.get(reverse("sheet_review", args=[vp_sheet.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    return vp_sheet, {**data, "action": "accept"}


@pytest.mark.parametrize("name", BLOC_VIEWS)
@pytest.mark.parametrize("role", IDENTITIES)
def test_the_bloc_is_followed_by_its_leaders_reviewers_and_the_provinces_administrators_only(
    client, cast, submitted, name, role
):
    sheet, review_form = submitted
    client.force_login(cast[role])
    before = bloc_state(sheet)
    response = bloc_request(client, name, sheet, review_form)
    expected = BLOC_VIEWS[name].get(role, 404)
    assert response.status_code == expected
    if expected == 404:
        assert bloc_state(sheet) == before
    elif name.endswith("POST") and expected == 302:
        assert bloc_state(sheet) != before


# ---------------------------------------------------------------- the province's setup pages

# view → status for the province's administrator; everybody else (an "admin" of an ordinary agency too) 404
SETUP_VIEWS = {
    "setup_home GET": 200,
    "setup_year_open GET": 200,
    "setup_year_open POST": 302,  # opens 2023
    "setup_year_edit GET": 200,
    "setup_year_edit POST": 302,  # the deputy becomes another member
    "setup_rubric_copy GET": 200,
    "setup_rubric_copy POST": 302,  # copies the 2022 rubric to another bloc
    "setup_mid_year GET": 200,
    "setup_mid_year POST": 302,  # the six-month round of 2022
}


def setup_state():
    return (
        list(BlocYear.objects.values_list("bloc__code", "year", "leader__code", "deputy_leader__code")),
        list(Rubric.objects.values_list("bloc__code", "year", "round")),
    )


def setup_request(client, name: str, agencies):
    view, method = name.split()
    rubric = Rubric.objects.get(year=2022)
    args = {"setup_home": [], "setup_rubric_copy": [rubric.pk], "setup_mid_year": [rubric.pk]}.get(
        view, ["TMTH", 2022]
    )
    url = reverse(view, args=args)
    if method == "GET":
        return client.get(url)
    basis = {"legal_basis": "Quyết định số 1/QĐ-TMTH ngày 05/01/2023.", "deadline": "15/12/2023"}
    awards = {"awards-TOTAL_FORMS": "0", "awards-INITIAL_FORMS": "0"}
    data = {
        "setup_year_open": {
            "members": [agencies["VP"].pk, agencies["TTR"].pk],
            "leader": agencies["VP"].pk,
            "deputy_leader": agencies["TTR"].pk,
            "title": "Bảng 2023",
        },
        "setup_year_edit": {
            "members": [agencies[code].pk for code in ("VP", "TTR", "STC")],
            "leader": agencies["TTR"].pk,
            "deputy_leader": agencies["VP"].pk,
        },
        "setup_rubric_copy": {"bloc": Bloc.objects.get(code="VX").pk, "year": "2022", "title": ""},
        "setup_mid_year": {"title": "Sơ kết 6 tháng đầu năm 2022", "deadline": "20/06/2022"},
    }[view]
    return client.post(url, {**basis, **awards, **data})


@pytest.fixture
def setup_world(bloc_2022):
    Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")


# ---------------------------------------------------------------- the province's set-up pages (issue 14)

# view → what the province's administrator gets; everybody else gets 404 and changes nothing
PEOPLE_VIEWS = {
    "people_list GET": 200,
    "person_add GET": 200,
    "person_add POST": 302,
    "people_import GET": 200,
    "people_import POST": 200,  # no file: the form says so
    "people_import_confirm POST": 302,  # no such upload: back to the form
    "person_deactivate POST": 302,
    "person_reactivate POST": 302,
    "person_invite POST": 302,
    "import_home GET": 200,
    "rubric_import GET": 200,
    "rubric_import POST": 200,
    "rubric_import_confirm POST": 302,
    "sheet_import GET": 200,
    "sheet_import POST": 200,
    "sheet_import_confirm POST": 302,
    # a confirmed import's job: its JSON status, and the import page following it (the administrator's own)
    "import_job_status GET": 200,
    "rubric_import GET+job": 200,
}


def people_request(client, name: str, cast):
    view, method = name.split()
    method, _, variant = method.partition("+")
    args = [cast["editor"].pk] if view in ("person_deactivate", "person_reactivate", "person_invite") else []
    if view == "import_job_status":
        args = [admins_import_job(cast).pk]
    url = reverse(view, args=args)
    if variant == "job":
        return client.get(url, {"tac-vu": admins_import_job(cast).pk})
    if method == "GET":
        return client.get(url)
    data = {
        "person_add": {
            "agency": "VP",
            "full_name": "Lê Văn Bình",
            "email": "binh@vp.gov.vn",
            "role": "editor",
        },
    }.get(view, {"token": "0" * 32, "action": "confirm"})
    return client.post(url, data)


def admins_import_job(cast) -> ImportJob:
    """A rubric import the province's administrator confirmed, done."""
    job, _ = ImportJob.objects.get_or_create(
        token="1" * 32,
        defaults={
            "kind": ImportJob.Kind.RUBRIC,
            "requested_by": cast["admin"],
            "status": ImportJob.Status.DONE,
            "message": "Đã nhập.",
            "finished_at": timezone.now(),
        },
    )
    return job


def people_state():
    from django.contrib.auth import get_user_model
    from django.core import mail

    from scoring.jobs import staging
    from scoring.models import Membership, Rubric

    users = get_user_model().objects.order_by("pk")
    return (
        list(users.values_list("username", "is_active")),
        Membership.objects.count(),
        Rubric.objects.count(),
        len(mail.outbox),
        staging.leftovers(),
    )


@pytest.mark.parametrize("name", SETUP_VIEWS)
@pytest.mark.parametrize("role", IDENTITIES)
def test_the_setup_pages_are_the_province_administrators_alone(
    client, cast, agencies, setup_world, name, role
):
    client.force_login(cast[role])
    before = setup_state()
    response = setup_request(client, name, agencies)
    expected = SETUP_VIEWS[name] if role == "admin" else 404
    assert response.status_code == expected
    if expected == 404:
        assert setup_state() == before
    elif name.endswith("POST"):
        # the six-month round opens in the rubric editor, where it is made lighter and opened
        if name != "setup_mid_year POST":
            assert response["Location"] == reverse("setup_home")
        assert setup_state() != before


@pytest.mark.parametrize("name", SETUP_VIEWS)
def test_the_setup_pages_send_anonymous_users_to_the_login_page(client, agencies, setup_world, name):
    before = setup_state()
    response = setup_request(client, name, agencies)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert setup_state() == before


@pytest.mark.parametrize("name", PEOPLE_VIEWS)
@pytest.mark.parametrize("role", IDENTITIES)
def test_the_people_and_import_pages_are_the_province_administrators_only(client, cast, world, name, role):
    client.force_login(cast[role])
    before = people_state()
    response = people_request(client, name, cast)
    if role == "admin":
        assert response.status_code == PEOPLE_VIEWS[name]
        return
    assert response.status_code == 404
    assert people_state() == before


@pytest.mark.parametrize("name", PEOPLE_VIEWS)
def test_the_people_and_import_pages_send_anonymous_users_to_the_login_page(client, cast, world, name):
    before = people_state()
    response = people_request(client, name, cast)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert people_state() == before


# ---------------------------------------------------------------- pledges and the bloc's giao ước (issue 16)

# view → (identity → status); everybody else gets 404 and changes nothing. VP's pledge is a draft (with
# "+sent", sent to the bloc); TTR leads the bloc: its reviewer and its head ("leader_head") see the giao ước.
AGENCY_READS = {"editor": 200, "head": 200, "own_reviewer": 200, "own_admin": 200}
PLEDGE_VIEWS = {
    "pledge_edit GET": AGENCY_READS,
    "pledge_edit GET+sent": {**AGENCY_READS, "reviewer": 200, "admin": 200},
    "pledge_edit POST": {"editor": 302, "head": 302, "own_reviewer": 403, "own_admin": 403},
    "pledge_submit POST": {"editor": 403, "head": 302, "own_reviewer": 403, "own_admin": 403},
    "covenant_page GET": {"reviewer": 200, "admin": 200, "leader_head": 200},
    # the reviewers set the deadline; the leader's head is told the page is not theirs to change
    "covenant_page POST": {"reviewer": 302, "admin": 302, "leader_head": 302},
    "covenant_download GET": {"reviewer": 302, "admin": 302, "leader_head": 302},  # VP's is missing
    "covenant_sign GET": {"leader_head": 200},
    "award_titles GET": {"admin": 200},
    "award_titles POST": {"admin": 302},
    "award_title_edit GET": {"admin": 200},
    "award_title_edit POST": {"admin": 302},
}
# who changes something with a POST that gets in
PLEDGE_WRITERS = {
    "pledge_edit POST": {"editor", "head"},
    "pledge_submit POST": {"head"},
    "covenant_page POST": {"reviewer", "admin"},
    "award_titles POST": {"admin"},
    "award_title_edit POST": {"admin"},
}


@pytest.fixture
def pledge_world(bloc_2022, cast, django_user_model, agencies):
    from scoring.models import AwardTitle, Covenant, Pledge

    from ..factories import make_user

    cast["leader_head"] = make_user(django_user_model, "ttr.thutruong", agencies["TTR"], "head")
    title = AwardTitle.objects.create(name="Tập thể lao động xuất sắc", position=1)
    pledge = Pledge.objects.create(bloc_year=bloc_2022, agency=agencies["VP"], commitments="Hoàn thành.")
    pledge.titles.set([title])
    Covenant.objects.create(bloc_year=bloc_2022)
    return {"title": title, "pledge": pledge}


def pledge_state_now():
    from scoring.models import AwardTitle, Covenant, Pledge

    return (
        list(Pledge.objects.values_list("status", "commitments")),
        list(Pledge.titles.through.objects.values_list("awardtitle_id", flat=True)),
        list(Covenant.objects.values_list("deadline", "number", "signed_pdf")),
        list(AwardTitle.objects.values_list("name", "position", "is_active")),
    )


def pledge_request(client, name: str, world):
    view, method = name.split()
    method, _, variant = method.partition("+")
    if variant == "sent":
        type(world["pledge"]).objects.filter(pk=world["pledge"].pk).update(status="submitted")
    args = {
        "pledge_edit": ["VP", 2022],
        "pledge_submit": ["VP", 2022],
        "award_titles": [],
        "award_title_edit": [world["title"].pk],
    }.get(view, ["TMTH", 2022])
    url = reverse(view, args=args)
    if method == "GET":
        return client.get(url)
    data = {
        "pledge_edit": {"titles": [world["title"].pk], "commitments": "Cam kết mới."},
        "covenant_page": {"deadline": "31/03/2022", "number": "01"},
        "award_titles": {"name": "Cờ thi đua của UBND tỉnh", "kind": "title", "position": "2"},
        "award_title_edit": {"name": "Tập thể lao động xuất sắc", "kind": "title", "position": "5"},
    }.get(view, {})
    return client.post(url, data)


@pytest.mark.parametrize("name", PLEDGE_VIEWS)
@pytest.mark.parametrize("role", [*IDENTITIES, "leader_head"])
def test_a_pledge_is_its_agencys_and_the_giao_uoc_the_blocs_leaders(client, cast, pledge_world, name, role):
    client.force_login(cast[role])
    before = pledge_state_now()
    response = pledge_request(client, name, pledge_world)
    expected = PLEDGE_VIEWS[name].get(role, 404)
    assert response.status_code == expected
    if name.endswith("POST"):
        changed = pledge_state_now() != before
        assert changed == (role in PLEDGE_WRITERS.get(name, ())), (name, role)


@pytest.mark.parametrize("name", PLEDGE_VIEWS)
def test_the_pledge_pages_send_anonymous_users_to_the_login_page(client, pledge_world, name):
    before = pledge_state_now()
    response = pledge_request(client, name, pledge_world)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if "+sent" not in name:
        assert pledge_state_now() == before


# ---------------------------------------------------------------- the award dossier (issue 16)

# view → (the dossier's state, who gets in with which status); everybody else 404 and nothing changes. The
# leader's reviewer ("reviewer", TTR) prepares, signs and sends; the province's administrator reads and
# decides once it is sent, never a draft; the leader's own "admin" and the members get nothing.
DOSSIER_VIEWS = {
    "dossier_start POST": ("none", {"reviewer": 302}),
    "dossier_home GET": ("draft", {"reviewer": 200}),
    "dossier_home POST": ("draft", {"reviewer": 302}),
    "dossier_line_add GET": ("draft", {"reviewer": 200}),
    "dossier_line_add POST": ("draft", {"reviewer": 302}),
    "dossier_line_edit GET": ("draft", {"reviewer": 200}),
    "dossier_line_edit POST": ("draft", {"reviewer": 302}),
    "dossier_line_delete POST": ("draft", {"reviewer": 302}),
    "dossier_pdf GET": ("draft", {"reviewer": 200}),
    "dossier_xlsx GET": ("draft", {"reviewer": 200}),
    "dossier_sign GET": ("draft", {"reviewer": 200}),
    "dossier_sign POST": ("draft", {"reviewer": 302}),
    "dossier_decide GET+draft": ("draft", {}),
    "dossier_pdf GET+sent": ("sent", {"reviewer": 200, "admin": 200}),
    "dossier_xlsx GET+sent": ("sent", {"reviewer": 200, "admin": 200}),
    "dossiers_received GET": ("sent", {"admin": 200}),
    "dossier_decide GET": ("sent", {"admin": 200}),
    "dossier_decide POST": ("sent", {"admin": 302}),
}


@pytest.fixture
def dossier_world(closed_round, cast):  # noqa: F811 (the fixture imported above)
    from scoring.awards import services

    def make(state: str):
        if state == "none":
            return None
        dossier = services.dossier_start(
            bloc_year=closed_round, rubric=Rubric.objects.get(), by=cast["reviewer"]
        )
        Dossier.objects.filter(pk=dossier.pk).update(number="12", issued_on="2022-12-20")
        if state == "sent":
            Dossier.objects.filter(pk=dossier.pk).update(sent_at=timezone.now())
            dossier.refresh_from_db()
            dossier.signed_pdf.save("to-trinh.pdf", ContentFile(PDF), save=True)
        return Dossier.objects.get(pk=dossier.pk)

    return make


def dossier_state():
    return (
        list(Dossier.objects.values_list("pk", "number", "sent_at", "version")),
        list(DossierLine.objects.order_by("pk").values_list("pk", "award", "full_name", "granted")),
        Document.objects.count(),
    )


def dossier_request(client, name: str, dossier, agencies):
    from ..awards.conftest import p12

    view, method = name.split()
    method = method.partition("+")[0]
    line = dossier.lines.order_by("pk").first() if dossier else None
    args = {
        "dossier_start": ["TMTH", 2022],
        "dossier_home": ["TMTH", 2022],
        "dossiers_received": [],
        "dossier_line_edit": [getattr(dossier, "pk", 0), getattr(line, "pk", 0)],
        "dossier_line_delete": [getattr(dossier, "pk", 0), getattr(line, "pk", 0)],
    }.get(view, [getattr(dossier, "pk", 0)])
    url = reverse(view, args=args)
    if method == "GET":
        return client.get(url)
    data = {
        "dossier_home": {"number": "13", "issued_on": "21/12/2022"},
        "dossier_line_add": {
            "full_name": "Nguyễn Thị Hoa",
            "position": "Chuyên viên",
            "agency": agencies["VP"].pk,
            "award": "Bằng khen của Chủ tịch UBND tỉnh",
            "achievement": "Xuất sắc.",
        },
        "dossier_line_edit": {"award": "Giấy khen", "achievement": ""},
        "dossier_sign": {"certificate": SimpleUploadedFile("ky.p12", p12()), "passphrase": "dung-mat-khau"},
        "dossier_decide": {
            "number": "898/QĐ-UBND",
            "issued_on": "25/01/2023",
            "issuer": "UBND tỉnh Quảng Ngãi",
            **({f"line-{line.pk}": "yes"} if line else {}),
        },
    }.get(view, {})
    return client.post(url, data)


@pytest.mark.parametrize("name", DOSSIER_VIEWS)
@pytest.mark.parametrize("role", [*IDENTITIES, "deputy_reviewer", "anonymous"])
def test_the_dossier_is_the_leaders_reviewers_and_once_sent_the_provinces(
    client,
    cast,
    agencies,
    dossier_world,
    deputy_reviewer,  # noqa: F811
    name,
    role,
):
    state, allowed_roles = DOSSIER_VIEWS[name]
    dossier = dossier_world(state)
    if role != "anonymous":
        client.force_login(deputy_reviewer if role == "deputy_reviewer" else cast[role])
    before = dossier_state()
    response = dossier_request(client, name, dossier, agencies)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert dossier_state() == before
        return
    expected = allowed_roles.get(role, 404)
    assert response.status_code == expected
    if expected == 404:
        assert dossier_state() == before
    elif name.endswith("POST"):
        assert dossier_state() != before
