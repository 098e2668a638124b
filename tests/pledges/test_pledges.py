"""An agency registers its pledge: the editor drafts it, the head sends it by the deadline, then it stays."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AwardTitle, Covenant, Pledge, Sheet
from scoring.pledges import services

from .conftest import login, pledge_state, title_ids, vp_pledge

pytestmark = pytest.mark.django_db
URL = reverse("pledge_edit", args=["VP", 2022])
SUBMIT = reverse("pledge_submit", args=["VP", 2022])


def post(client, titles, commitments="Hoàn thành xuất sắc nhiệm vụ.\nKhông có vi phạm."):
    return client.post(URL, {"titles": titles, "commitments": commitments})


def test_it_saves_the_editors_draft_and_the_head_sends_it(client, demo_round, django_user_model):
    login(client, django_user_model, "vp.bientap")
    response = post(client, title_ids("Tập thể lao động tiên tiến"))
    assert response.status_code == 302 and response["Location"] == URL
    assert pledge_state() == (
        "draft",
        "Hoàn thành xuất sắc nhiệm vụ.\nKhông có vi phạm.",
        ["Tập thể lao động tiên tiến"],
    )
    assert client.post(SUBMIT).status_code == 403  # the editor drafts; only the head sends
    assert vp_pledge().status == "draft"

    login(client, django_user_model, "vp.thutruong")
    assert client.get(URL).context["can_submit"]
    response = client.post(SUBMIT)
    assert response.status_code == 302
    pledge = vp_pledge()
    assert pledge.status == "submitted" and pledge.submitted_by.username == "vp.thutruong"
    page = client.get(URL).content.decode()
    assert "Đã đăng ký lúc" in page and "Tập thể lao động tiên tiến" in page and "pledge-form" not in page


def test_missing_titles_are_refused_and_what_was_typed_is_kept(client, demo_round, django_user_model):
    login(client, django_user_model, "vp.bientap")
    before = pledge_state()
    response = post(client, [], commitments="Một cam kết mới chưa lưu")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chọn ít nhất một danh hiệu thi đua hoặc hình thức khen thưởng để đăng ký." in page
    assert "Một cam kết mới chưa lưu" in page
    assert pledge_state() == before
    response = post(client, title_ids("Tập thể lao động xuất sắc"), commitments="   ")
    assert "Ghi ít nhất một nội dung giao ước." in response.content.decode()
    assert pledge_state() == before


def test_a_title_taken_out_of_the_catalogue_cannot_be_registered(client, demo_round, django_user_model):
    retired = AwardTitle.objects.get(name="Huân chương Lao động hạng Ba")
    retired.is_active = False
    retired.save()
    login(client, django_user_model, "vp.bientap")
    assert retired.name not in client.get(URL).content.decode()
    before = pledge_state()
    response = post(client, [retired.pk])
    assert "Danh hiệu này không còn trong danh mục của tỉnh." in response.content.decode()
    assert pledge_state() == before


def test_past_the_deadline_nothing_is_saved_or_sent_and_the_form_keeps_its_text(
    client, demo_round, django_user_model
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Covenant.objects.filter(bloc_year=demo_round).update(deadline=yesterday)
    login(client, django_user_model, "vp.thutruong")
    before = pledge_state()
    page = client.get(URL)
    assert not page.context["can_submit"] and "pledge-form" not in page.content.decode()
    response = post(client, title_ids("Tập thể lao động tiên tiến"), commitments="Gõ sau hạn")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Đã quá hạn đăng ký thi đua ({yesterday:%d/%m/%Y})" in text and "Gõ sau hạn" in text
    response = client.post(SUBMIT, follow=True)
    assert "Đã quá hạn đăng ký thi đua" in response.content.decode()
    assert pledge_state() == before


def test_a_sent_pledge_cannot_be_edited(client, demo_round, django_user_model):
    Pledge.objects.filter(agency__code="VP").update(status="submitted", submitted_at=timezone.now())
    login(client, django_user_model, "vp.bientap")
    before = pledge_state()
    response = post(client, title_ids("Tập thể lao động tiên tiến"), commitments="Sửa sau khi gửi")
    text = response.content.decode()
    assert response.status_code == 200 and services.ALREADY_SUBMITTED in text and "Sửa sau khi gửi" in text
    assert pledge_state() == before
    login(client, django_user_model, "vp.thutruong")
    assert services.ALREADY_SUBMITTED in client.post(SUBMIT, follow=True).content.decode()


def test_an_editors_save_that_races_the_heads_submission_changes_nothing(demo_round, django_user_model):
    """The editor opened the draft; the head sends it; the editor's save arrives after: refused."""
    editor = django_user_model.objects.get(username="vp.bientap")
    stale = vp_pledge()
    services.pledge_submit(pledge=vp_pledge(), by=django_user_model.objects.get(username="vp.thutruong"))
    before = pledge_state()
    with pytest.raises(services.PledgeRefused):
        services.pledge_save(
            bloc_year=demo_round,
            agency=stale.agency,
            titles=list(AwardTitle.objects.filter(name="Tập thể lao động tiên tiến")),
            commitments="muộn",
            by=editor,
        )
    assert pledge_state() == before
    with pytest.raises(services.PledgeRefused, match="không sửa được"):
        services.pledge_submit(pledge=stale, by=editor)


def test_a_pledge_without_titles_cannot_be_sent(client, demo_round, django_user_model):
    vp_pledge().titles.clear()
    login(client, django_user_model, "vp.thutruong")
    response = client.post(SUBMIT, follow=True)
    assert services.NO_TITLES in response.content.decode()
    assert vp_pledge().status == "draft"


def test_the_bloc_reads_a_sent_pledge_never_a_draft(client, demo_round, django_user_model):
    login(client, django_user_model, "ttr.chamdiem")
    assert client.get(URL).status_code == 404  # VP's is a draft
    stc = client.get(reverse("pledge_edit", args=["STC", 2022]))
    assert stc.status_code == 200 and "Tập thể lao động xuất sắc" in stc.content.decode()
    assert "pledge-form" not in stc.content.decode()


def test_the_year_end_sheet_shows_what_was_pledged(client, demo_round, django_user_model):
    login(client, django_user_model, "ttr.chamdiem")
    stc_sheet = Sheet.objects.get(agency__code="STC")
    page = client.get(reverse("sheet_detail", args=[stc_sheet.pk])).content.decode()
    assert "Đăng ký thi đua năm 2022: Tập thể lao động xuất sắc" in page
    login(client, django_user_model, "vp.bientap")
    vp_sheet = Sheet.objects.get(agency__code="VP")
    page = client.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    assert "Đăng ký thi đua năm 2022: chưa đăng ký" in page  # a draft is not a pledge yet
    services.pledge_submit(pledge=vp_pledge(), by=None)
    page = client.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    assert "Đăng ký thi đua năm 2022: Tập thể lao động xuất sắc; Cờ thi đua của UBND tỉnh" in page


def test_the_pages_cost_a_fixed_number_of_queries(
    client, demo_round, django_user_model, django_assert_num_queries
):
    login(client, django_user_model, "vp.bientap")
    client.get(URL)
    with django_assert_num_queries(11):
        assert client.get(URL).status_code == 200
    login(client, django_user_model, "ttr.chamdiem")
    cov = reverse("covenant_page", args=["TMTH", 2022])
    client.get(cov)
    with django_assert_num_queries(14):
        assert client.get(cov).status_code == 200
    login(client, django_user_model, "quantri")
    titles = reverse("award_titles")
    client.get(titles)
    with django_assert_num_queries(7):
        assert client.get(titles).status_code == 200


def test_the_sheet_pdf_names_the_pledged_titles_under_the_agency(
    client, demo_round, django_user_model, tmp_path
):
    from ..exports.test_sheet_documents import flat, poppler, write

    login(client, django_user_model, "stc.bientap")
    sheet = Sheet.objects.get(agency__code="STC")
    pdf = write(tmp_path, "bang.pdf", client.get(reverse("sheet_pdf", args=[sheet.pk])).content)
    text = flat(poppler("pdftotext", "-f", "1", "-l", "1", pdf, "-"))
    assert "Đơn vị: Sở Tài chính Đăng ký thi đua năm 2022: Tập thể lao động xuất sắc" in text
