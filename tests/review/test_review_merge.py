"""Two reviewers of one sheet, or a reviewer and an acceptance: a review save merges box by box."""

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Score, ScoreChange, Sheet

from ..factories import field

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(vp_sheet):
    """Văn phòng's sheet, submitted with 90 for 1.1 and 40 for 1.2."""
    for key, points in (("1:1.1", 90), ("1:1.2", 40)):
        Score.objects.create(sheet=vp_sheet, criterion=vp_sheet.rubric.criteria.get(key=key), points=points)
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    vp_sheet.refresh_from_db()
    return vp_sheet


def logged_in(user, first_name="", last_name=""):
    user.first_name, user.last_name = first_name, last_name
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader(cast):
    return logged_in(cast["reviewer"], "Lan", "Trần Thị")


@pytest.fixture
def province(cast):
    return logged_in(cast["admin"], "Minh", "Lê Văn")


def page(client, sheet, **typed):
    """What the review page posts back, as loaded now, with `typed` on top."""
    form = client.get(reverse("sheet_review", args=[sheet.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    return {"action": "save", **data, **typed}


def review(sheet, key):
    score = Score.objects.get(sheet=sheet, criterion__key=key)
    return score.reviewed_points, score.review_comment


def test_two_reviewers_change_different_boxes_from_the_same_page_both_are_saved(leader, province, submitted):
    url = reverse("sheet_review", args=[submitted.pk])
    rp11, rc12 = field(submitted, "rp", "1:1.1"), field(submitted, "rc", "1:1.2")
    leaders, provinces = page(leader, submitted), page(province, submitted)

    assert leader.post(url, {**leaders, rp11: "85"}).status_code == 302
    assert province.post(url, {**provinces, rc12: "Thiếu biên bản"}).status_code == 302

    assert review(submitted, "1:1.1") == (85, "")
    assert review(submitted, "1:1.2") == (None, "Thiếu biên bản")  # 40, the agency's own, stays unreviewed
    changes = ScoreChange.objects.filter(sheet=submitted).order_by("version")
    assert [(c.criterion.key, c.field, c.new, c.by.username) for c in changes] == [
        ("1:1.1", "reviewed_points", "85", "chamdiem"),
        ("1:1.2", "review_comment", "Thiếu biên bản", "quantri"),
    ]


def test_the_same_box_is_a_conflict_with_both_values(leader, province, submitted):
    url = reverse("sheet_review", args=[submitted.pk])
    rp11 = field(submitted, "rp", "1:1.1")
    leaders, provinces = page(leader, submitted), page(province, submitted)
    assert leader.post(url, {**leaders, rp11: "85"}).status_code == 302

    response = province.post(url, {**provinces, rp11: "80"})

    assert response.status_code == 200
    assert "Điểm thẩm định</a>: bạn nhập “80”; Trần Thị Lan đã lưu “85”" in response.content.decode()
    assert response.context["form"][rp11].value() == "80"
    assert review(submitted, "1:1.1") == (85, "")


def test_an_acceptance_from_a_stale_page_waits_for_the_reviewer_to_see_the_change(
    leader, province, submitted
):
    url = reverse("sheet_review", args=[submitted.pk])
    rp11 = field(submitted, "rp", "1:1.1")
    provinces = page(province, submitted)  # shows 90, the agency's own
    assert leader.post(url, page(leader, submitted, **{rp11: "85"})).status_code == 302

    response = province.post(url, {**provinces, "action": "accept"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa duyệt: trong lúc bạn xem, người khác đã sửa bảng này." in html
    assert "1.1 – Điểm thẩm định: “(trống)” → “85”" in html
    submitted.refresh_from_db()
    assert submitted.status == Sheet.Status.SUBMITTED
    form = response.context["form"]
    assert form[rp11].value() == "85"  # the page now shows the other reviewer's number

    again = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    assert province.post(url, {**again, "action": "accept"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Sheet.Status.ACCEPTED
    assert review(submitted, "1:1.1") == (85, "")  # the stale page's 90 was never written back


def test_a_review_saved_after_the_acceptance_is_refused(leader, province, submitted):
    url = reverse("sheet_review", args=[submitted.pk])
    rp11 = field(submitted, "rp", "1:1.1")
    leaders = page(leader, submitted)
    assert province.post(url, page(province, submitted, action="accept")).status_code == 302

    response = leader.post(url, {**leaders, rp11: "85"}, follow=True)

    assert "đang ở trạng thái “Đã duyệt”" in response.content.decode()
    assert review(submitted, "1:1.1") == (90, "")  # as accepted: the agency's own


def test_saving_an_untouched_review_page_writes_nothing(leader, submitted):
    url = reverse("sheet_review", args=[submitted.pk])
    assert leader.post(url, page(leader, submitted)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.version == 1 and not ScoreChange.objects.exists()


def test_a_review_save_costs_a_fixed_number_of_queries(leader, submitted, django_assert_num_queries):
    """The session and the user (2), the sheet, its bloc and the reviewer's roles (3), the rubric (3), the
    scores and the organisations' ratings, own and reviewed (3), the lock, the criteria and scores (3),
    the ratings again under the lock (2), the writes (version, score, history: 3), the session's update (1)
    and two pairs of savepoints (4)."""
    url = reverse("sheet_review", args=[submitted.pk])
    data = page(leader, submitted, **{field(submitted, "rp", "1:1.1"): "85"})
    with django_assert_num_queries(24):
        assert leader.post(url, data).status_code == 302
