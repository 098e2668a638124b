"""Two editors of one sheet: a save merges field by field with what was stored since the editor's page.

Each page posts `base`, the values it was rendered with; `edit_data` builds exactly that post.
"""

import json

import pytest
from django.urls import reverse

from scoring.models import Citation, Document, Score, ScoreChange, Sheet
from scoring.rubrics.tree import rubric_tree
from tests.factories import sign_and_submit

from ..factories import edit_data, field

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, cast):
    cast["editor"].first_name, cast["editor"].last_name = "Hoa", "Nguyễn Thị"
    cast["editor"].save()
    client.force_login(cast["editor"])
    return client


@pytest.fixture
def head(cast):
    from django.test import Client

    other = Client()
    other.force_login(cast["head"])
    return other


def url(sheet):
    return reverse("sheet_edit", args=[sheet.pk])


def autosave(client, sheet, data):
    return client.post(url(sheet), {**data, "autosave": "1"}, headers={"X-Requested-With": "XMLHttpRequest"})


def points(sheet, key):
    score = Score.objects.filter(sheet=sheet, criterion__key=key).first()
    return score.points if score else None


def history(sheet):
    return [
        (c.criterion.key, c.field, c.old, c.new, c.by.username if c.by else None, c.version)
        for c in ScoreChange.objects.filter(sheet=sheet).select_related("criterion", "by").order_by("pk")
    ]


def test_two_editors_change_different_criteria_from_the_same_page_both_are_saved(editor, head, vp_sheet):
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    page = edit_data(vp_sheet)  # both opened the sheet at version 1

    first = autosave(editor, vp_sheet, {**page, p11: "80"})
    second = autosave(head, vp_sheet, {**page, p12: "45"})

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "saved"
    assert second.json()["conflicts"] == []
    assert second.json()["fresh"] == {p11: "80"}  # the colleague's value, for the box and its base
    assert second.json()["version"] == 3 and second.json()["grand_total"] == ["125", "0"]
    assert (points(vp_sheet, "1:1.1"), points(vp_sheet, "1:1.2")) == (80, 45)
    vp_sheet.refresh_from_db()
    assert vp_sheet.version == 3
    assert history(vp_sheet) == [
        ("1:1.1", "points", "", "80", "bientap", 2),
        ("1:1.2", "points", "", "45", "thutruong", 3),
    ]


def test_the_same_field_is_a_conflict_with_both_values_and_the_stored_value_stands(editor, head, vp_sheet):
    p11, e11 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "e", "1:1.1")
    page = edit_data(vp_sheet)
    assert autosave(editor, vp_sheet, {**page, p11: "90"}).status_code == 200

    response = autosave(head, vp_sheet, {**page, p11: "100", e11: "Đủ hồ sơ"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "saved" and body["version"] == 3  # the explanation went through
    [conflict] = body["conflicts"]
    assert conflict["name"] == p11
    assert conflict["label"] == "Nội dung 1, tiêu chí 1.1 – Điểm tự chấm"
    assert (conflict["mine"], conflict["theirs"], conflict["theirs_value"]) == ("100", "90", "90")
    assert conflict["by"] == "Nguyễn Thị Hoa" and len(conflict["at"]) == 5
    assert p11 not in body["fresh"]
    score = Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1")
    assert (score.points, score.explanation) == (90, "Đủ hồ sơ")
    assert not ScoreChange.objects.filter(by__username="thutruong", field="points").exists()


def test_the_full_page_shows_the_conflict_and_a_second_save_is_a_knowing_choice(editor, head, vp_sheet):
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    page = edit_data(vp_sheet)
    assert editor.post(url(vp_sheet), {**page, p11: "90"}).status_code == 302

    response = head.post(url(vp_sheet), {**page, p11: "70", p12: "45"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã lưu các thay đổi khác của bạn. 1 ô chưa lưu" in html
    assert "Nội dung 1, tiêu chí 1.1 – Điểm tự chấm</a>: bạn nhập “70”; Nguyễn Thị Hoa đã lưu “90”" in html
    assert "ghi đè" not in html
    assert (points(vp_sheet, "1:1.1"), points(vp_sheet, "1:1.2")) == (90, 45)
    form = response.context["form"]
    assert form[p11].value() == "70" and form[p12].value() == "45"  # what they typed stays in the box
    assert json.loads(form["base"].value())[p11] == "90"  # its base is now the stored value

    again = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    assert head.post(url(vp_sheet), again).status_code == 302
    assert points(vp_sheet, "1:1.1") == 70
    assert history(vp_sheet)[-1] == ("1:1.1", "points", "90", "70", "thutruong", 4)


def test_a_stale_page_never_writes_back_a_value_it_did_not_touch(editor, head, vp_sheet):
    """The issue's 90 → 100: B's page still shows 100 after A corrected it to 90; B saves twice."""
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    assert editor.post(url(vp_sheet), edit_data(vp_sheet, **{p11: "100"})).status_code == 302
    stale = edit_data(vp_sheet)  # B opens the sheet: 100
    assert editor.post(url(vp_sheet), edit_data(vp_sheet, **{p11: "90"})).status_code == 302

    for _ in range(2):
        response = head.post(url(vp_sheet), {**stale, p12: "45"})
        assert response.status_code == 302
    body = autosave(head, vp_sheet, {**stale, p12: "45"}).json()

    assert body["conflicts"] == [] and body["fresh"] == {p11: "90"}
    assert (points(vp_sheet, "1:1.1"), points(vp_sheet, "1:1.2")) == (90, 45)
    assert [c for c in history(vp_sheet) if c[0] == "1:1.1"] == [
        ("1:1.1", "points", "", "100", "bientap", 2),
        ("1:1.1", "points", "100", "90", "bientap", 3),
    ]


def test_citations_merge_as_sets(editor, head, vp_sheet):
    one, two, three = (
        Document.objects.create(
            agency=vp_sheet.agency, kind="KH", number=f"{n}/KH-VP", issued_on="2022-03-01"
        )
        for n in (1, 2, 3)
    )
    d11 = field(vp_sheet, "d", "1:1.1")
    assert editor.post(url(vp_sheet), edit_data(vp_sheet, **{d11: [one.pk]})).status_code == 302
    page = edit_data(vp_sheet)  # both see [1]
    assert editor.post(url(vp_sheet), {**page, d11: [one.pk, two.pk]}).status_code == 302

    body = autosave(head, vp_sheet, {**page, d11: [three.pk]}).json()  # un-cites 1, cites 3

    assert body["conflicts"] == []
    assert body["fresh"] == {d11: [str(two.pk), str(three.pk)]}
    cited = Citation.objects.filter(score__sheet=vp_sheet).values_list("document_id", flat=True)
    assert sorted(cited) == [two.pk, three.pk]


def test_pasted_citations_are_entered_cited_and_sent_back(editor, vp_sheet):
    n11, d11 = field(vp_sheet, "n", "1:1.1"), field(vp_sheet, "d", "1:1.1")
    body = autosave(
        editor, vp_sheet, edit_data(vp_sheet, **{n11: "Kế hoạch số 495/KH-VP ngày 29/3/2022"})
    ).json()

    document = Document.objects.get(number="495/KH-VP")
    assert body["documents"] == [
        {
            "pk": document.pk,
            "label": document.citation,
            "number": "495/KH-VP",
            "date": "29/03/2022",
            "subject": "",
        }
    ]
    assert body["fresh"] == {n11: "", d11: [str(document.pk)]}
    assert Citation.objects.get().document == document


def test_ratings_merge_organisation_by_organisation(editor, head, vp_sheet):
    criterion = rubric_tree(vp_sheet.rubric).by_key()["2:7"]
    union, youth, _veterans = criterion.component_list
    c_union, c_youth = (f"c-{criterion.pk}-{c.pk}" for c in (union, youth))
    union_20 = next(t for t in union.tier_list if t.points == 20)
    union_15 = next(t for t in union.tier_list if t.points == 15)
    youth_15 = next(t for t in youth.tier_list if t.points == 15)
    page = edit_data(vp_sheet)
    assert autosave(editor, vp_sheet, {**page, c_union: str(union_20.pk)}).json()["conflicts"] == []

    body = autosave(head, vp_sheet, {**page, c_youth: str(youth_15.pk)}).json()
    assert body["conflicts"] == [] and body["fresh"] == {c_union: str(union_20.pk)}
    body = autosave(head, vp_sheet, {**page, c_union: str(union_15.pk)}).json()

    [conflict] = body["conflicts"]
    assert conflict["name"] == c_union and conflict["label"].endswith(f"– {union.name}")
    assert conflict["theirs_value"] == str(union_20.pk) and "20 điểm" in conflict["theirs"]
    score = Score.objects.get(sheet=vp_sheet, criterion=criterion)
    assert {r.component_id: r.tier_id for r in score.ratings.all()} == {
        union.pk: union_20.pk,
        youth.pk: youth_15.pk,
    }
    assert score.points == 35  # 20 + 15, the points follow the merged ratings (the third is not rated yet)


def test_a_tier_changed_by_one_and_the_bonus_by_the_other(editor, head, vp_sheet):
    criterion = rubric_tree(vp_sheet.rubric).by_key()["2:6"]
    t26 = f"t-{criterion.pk}"
    b23 = field(vp_sheet, "b", "2:3")
    tier = next(t for t in criterion.tier_list if t.points == 15)
    page = edit_data(vp_sheet)
    assert autosave(editor, vp_sheet, {**page, t26: str(tier.pk)}).json()["conflicts"] == []
    assert autosave(head, vp_sheet, {**page, b23: "1"}).json()["conflicts"] == []
    assert points(vp_sheet, "2:6") == 15
    assert Score.objects.get(sheet=vp_sheet, criterion__key="2:3").bonus == 1


def test_a_base_that_no_longer_cleans_counts_as_touched(editor, head, vp_sheet):
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    assert editor.post(url(vp_sheet), edit_data(vp_sheet, **{p11: "90"})).status_code == 302
    page = edit_data(vp_sheet)

    body = autosave(head, vp_sheet, {**page, "base": json.dumps({p11: "mười"}), p11: "100"}).json()
    assert [c["name"] for c in body["conflicts"]] == [p11]
    body = autosave(head, vp_sheet, {**page, "base": "không phải JSON", p11: "90", p12: "45"}).json()
    assert [c["name"] for c in body["conflicts"]] == [p12]  # nothing is known of the page: nothing written
    assert (points(vp_sheet, "1:1.1"), points(vp_sheet, "1:1.2")) == (90, None)


def test_a_post_without_base_keeps_the_version_check_and_never_overwrites(editor, head, vp_sheet):
    p11 = field(vp_sheet, "p", "1:1.1")
    old = edit_data(vp_sheet)
    del old["base"]
    assert editor.post(url(vp_sheet), edit_data(vp_sheet, **{p11: "90"})).status_code == 302

    response = head.post(url(vp_sheet), {**old, p11: "100"})
    assert response.status_code == 200
    assert "người khác đã lưu bảng chấm điểm này" in response.content.decode()
    again = response.context["form"].data
    assert head.post(url(vp_sheet), again).status_code == 200  # still refused: the page is old
    assert autosave(head, vp_sheet, {**old, p11: "100"}).status_code == 409
    assert points(vp_sheet, "1:1.1") == 90


def test_invalid_input_is_400_with_the_errors_and_writes_nothing(editor, vp_sheet):
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    response = autosave(editor, vp_sheet, edit_data(vp_sheet, **{p11: "999", p12: "45"}))
    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid",
        "saved": False,
        "errors": {p11: "Điểm tự chấm tối đa là 100; bạn nhập 999."},
    }
    assert not Score.objects.filter(sheet=vp_sheet).exists()
    vp_sheet.refresh_from_db()
    assert vp_sheet.version == 1


def test_a_sheet_submitted_meanwhile_is_409_and_nothing_is_written(editor, vp_sheet, monkeypatch):
    from scoring.sheets import views

    p11 = field(vp_sheet, "p", "1:1.1")
    page = edit_data(vp_sheet, **{p11: "80"})
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    response = autosave(editor, vp_sheet, page)
    assert response.status_code == 409 and response.json()["status"] == "locked"

    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.DRAFT)
    loaded = views.get_sheet_for_user

    def then_submitted(request, pk, action="sheet.view"):
        found = loaded(request, pk, action)
        Sheet.objects.filter(pk=pk).update(status=Sheet.Status.SUBMITTED)  # the head, during this request
        return found

    monkeypatch.setattr(views, "get_sheet_for_user", then_submitted)
    response = autosave(editor, vp_sheet, page)
    assert response.status_code == 409
    assert response.json() == {
        "status": "locked",
        "saved": False,
        "message": "Bảng chấm điểm vừa chuyển sang “Đã nộp”: không lưu được.",
    }
    assert not Score.objects.filter(sheet=vp_sheet).exists()


def test_submitting_still_needs_the_latest_version(editor, head, vp_sheet):
    p11 = field(vp_sheet, "p", "1:1.1")
    assert editor.post(url(vp_sheet), edit_data(vp_sheet, **{p11: "90"})).status_code == 302
    response = sign_and_submit(head, vp_sheet, version=1)
    assert response.status_code == 200
    assert "có người vừa sửa bảng chấm điểm" in response.content.decode()
    vp_sheet.refresh_from_db()
    assert vp_sheet.status == Sheet.Status.DRAFT


def test_a_merged_save_costs_a_fixed_number_of_queries(editor, head, vp_sheet, django_assert_num_queries):
    """The session, the user, the sheet and the user's roles (4), the rubric (3), the register (1), the lock
    and the stored sheet (6), the writes (version, score, history: 3), the sheet again for the answer (3),
    the session's update (1) and two pairs of savepoints (4)."""
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    page = edit_data(vp_sheet)
    with django_assert_num_queries(25):
        assert autosave(editor, vp_sheet, {**page, p11: "90"}).json()["conflicts"] == []
    with django_assert_num_queries(26):  # one more: who stored the conflicting value
        body = autosave(head, vp_sheet, {**page, p11: "100", p12: "45"}).json()
    assert len(body["conflicts"]) == 1
