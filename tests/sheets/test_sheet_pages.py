import pytest
from django.urls import reverse

from scoring.models import Score, Sheet
from tests.factories import sign_and_submit

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_users_to_the_vietnamese_login_page(client, vp_sheet):
    for url in (reverse("home"), reverse("sheet_detail", args=[vp_sheet.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in page and "Mật khẩu" in page and 'lang="vi"' in page


def test_it_logs_in_and_out(client, cast):
    response = client.post(reverse("login"), {"username": "bientap", "password": "mat-khau-thu-nghiem-1"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_the_home_page_shows_the_current_sheet_its_progress_and_last_year(client, cast, vp_sheet, agencies):
    from scoring.rubrics.services import rubric_copy

    rubric = vp_sheet.rubric
    Score.objects.create(sheet=vp_sheet, criterion=rubric.criteria.get(key="1:1.1"), points="92.5")
    Score.objects.create(
        sheet=vp_sheet, criterion=rubric.criteria.get(key="2:6"), points=15, provisional=True
    )
    client.force_login(cast["editor"])
    page = client.get(reverse("home")).content.decode()
    assert "Cơ quan VP" in page and "Cán bộ nhập liệu" in page
    assert "Bảng chấm điểm thi đua năm 2022" in page and "Hạn nộp: <strong>15/12/2022</strong>" in page
    assert "107,5 + 0 thưởng" in page
    assert "2/28 tiêu chí" in page
    assert reverse("sheet_edit", args=[vp_sheet.pk]) in page
    # A new year: the 2023 rubric opens; 2022 becomes last year's sheet for reference.
    new = rubric_copy(rubric=rubric, year=2023, legal_basis=rubric.legal_basis, deadline=None)
    new.status = "open"
    new.save()
    from scoring.models import BlocMember, BlocYear

    bloc_year = BlocYear.objects.create(bloc=rubric.bloc, year=2023)
    BlocMember.objects.create(bloc_year=bloc_year, agency=agencies["VP"])
    page = client.get(reverse("home")).content.decode()
    assert "Bảng chấm điểm thi đua năm 2023" in page and "Bắt đầu chấm điểm" in page
    assert "Năm trước để tham khảo" in page and "107,5 điểm" in page
    response = client.post(reverse("sheet_start", args=[new.pk]))
    sheet_2023 = Sheet.objects.get(rubric=new, agency=agencies["VP"])
    assert response["Location"] == reverse("sheet_edit", args=[sheet_2023.pk])


@pytest.mark.parametrize("role", ["editor", "head"])
def test_own_agency_sees_its_sheet_with_computed_totals(client, cast, vp_sheet, role):
    rubric = vp_sheet.rubric
    Score.objects.create(
        sheet=vp_sheet, criterion=rubric.criteria.get(key="1:1.1"), points=90, explanation="<b>x</b>"
    )
    Score.objects.create(sheet=vp_sheet, criterion=rubric.criteria.get(key="1:1.2"), points="45.5")
    client.force_login(cast[role])
    response = client.get(reverse("sheet_detail", args=[vp_sheet.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022".lower() in page.lower()
    assert "135,5" in page  # 90 + 45,5 on criterion 1 and on Nội dung 1
    assert "&lt;b&gt;x&lt;/b&gt;" in page  # user text is escaped


@pytest.mark.parametrize("role", ["other", "reviewer", "admin"])
def test_anybody_else_gets_404_for_the_sheet(client, cast, vp_sheet, role):
    client.force_login(cast[role])
    assert client.get(reverse("sheet_detail", args=[vp_sheet.pk])).status_code == 404
    assert "Cơ quan VP" not in client.get(reverse("home")).content.decode()


def test_an_unknown_sheet_is_404(client, cast):
    client.force_login(cast["editor"])
    assert client.get(reverse("sheet_detail", args=[999999])).status_code == 404


def test_the_sheet_page_costs_the_same_queries_whatever_the_scores(
    client, cast, vp_sheet, django_assert_num_queries
):
    client.force_login(cast["editor"])
    url = reverse("sheet_detail", args=[vp_sheet.pk])
    client.get(url)
    # session (read, then saved: idle timeout), user, sheet, roles, criteria, tiers, components, scores,
    # the register (to link the citations written in explanations), ratings, citations, transitions, the
    # titles the agency pledged for the year
    with django_assert_num_queries(16):
        client.get(url)
    for criterion in vp_sheet.rubric.criteria.all():
        Score.objects.create(sheet=vp_sheet, criterion=criterion, explanation="có")
    with django_assert_num_queries(16):
        client.get(url)


def test_sheet_status_is_shown_in_vietnamese(client, cast, vp_sheet):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.RETURNED)
    client.force_login(cast["head"])
    assert "Bị trả lại" in client.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()


def test_what_to_check_before_submitting_shows_only_while_the_agency_can_act_on_it(client, cast, vp_sheet):
    """Points without evidence on 1.1: the editor and the head see it on the draft; once submitted nobody
    does, and it is back when the bloc returns the sheet."""
    from scoring.review.services import sheet_return

    Score.objects.create(sheet=vp_sheet, criterion=vp_sheet.rubric.criteria.get(key="1:1.1"), points=90)
    url = reverse("sheet_detail", args=[vp_sheet.pk])
    for role in ("editor", "head"):
        client.force_login(cast[role])
        assert "Cần xem lại trước khi nộp (1)" in client.get(url).content.decode()
    client.force_login(cast["own_admin"])  # sees the sheet, may not change it
    assert "Cần xem lại trước khi nộp" not in client.get(url).content.decode()

    client.force_login(cast["head"])
    vp_sheet.refresh_from_db()
    sign_and_submit(client, vp_sheet)
    vp_sheet.refresh_from_db()
    assert vp_sheet.status == Sheet.Status.SUBMITTED
    for role in ("editor", "head"):
        client.force_login(cast[role])
        page = client.get(url).content.decode()
        assert "Cần xem lại trước khi nộp" not in page and "Đã nộp" in page

    sheet_return(sheet=vp_sheet, base_version=vp_sheet.version, reason="Thiếu tài liệu", by=cast["reviewer"])
    assert "Cần xem lại trước khi nộp (1)" in client.get(url).content.decode()


def test_a_user_who_scores_for_two_members_starts_the_sheet_of_the_card_they_clicked(
    client, cast, bloc_2022, agencies
):
    from scoring.models import Membership, Rubric

    editor = cast["editor"]  # Văn phòng's editor, also made an editor of Sở Tài chính
    Membership.objects.create(user=editor, agency=agencies["STC"], role=Membership.Role.EDITOR)
    rubric = Rubric.objects.get(year=2022)
    client.force_login(editor)
    page = client.get(reverse("home")).content.decode()
    assert 'name="agency" value="STC"' in page and 'name="agency" value="VP"' in page
    client.post(reverse("sheet_start", args=[rubric.pk]), {"agency": "STC"})
    assert list(Sheet.objects.values_list("agency__code", flat=True)) == ["STC"]
    # an agency the user does not score for, or no member of the bloc: 404, nothing made
    assert client.post(reverse("sheet_start", args=[rubric.pk]), {"agency": "OTHER"}).status_code == 404
    assert client.post(reverse("sheet_start", args=[rubric.pk]), {"agency": "TTR"}).status_code == 404
    assert Sheet.objects.count() == 1
