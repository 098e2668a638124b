from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.models import Citation, Criterion, Document, Score, ScoreChange, Sheet, SheetSnapshot
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.queries import sheet_view
from tests.factories import sign_and_submit

from ..factories import PDF, edit_data, field

pytestmark = pytest.mark.django_db


def fill_everything(sheet, document: Document) -> tuple[dict, D, D]:
    """Every criterion typed in, the document cited everywhere; returns the post and the sums expected."""
    rtree = rubric_tree(sheet.rubric)
    data = edit_data(sheet)
    points = bonus = D(0)
    for c in rtree.criteria:
        leaf = not rtree.tree.children[c.key]
        own_bonus = rtree.tree.own_bonus_max(rtree.tree.node(c.key))
        if own_bonus:
            data[f"b-{c.pk}"] = str(own_bonus).replace(".00", "")
            bonus += own_bonus
        if c.parent_id is not None:
            data[f"e-{c.pk}"] = f"Giải trình {c.key}"
            data[f"d-{c.pk}"] = [document.pk]
        if not leaf:
            continue
        if c.rule == Criterion.Rule.TIERED:
            tier = next(t for t in c.tier_list if t.points == 15)
            data[f"t-{c.pk}"] = tier.pk
            points += 15
        elif c.rule == Criterion.Rule.COMPONENTS:
            union, youth, veterans = c.component_list
            data[f"c-{c.pk}-{union.pk}"] = next(t.pk for t in union.tier_list if t.points == 20)
            data[f"c-{c.pk}-{youth.pk}"] = next(t.pk for t in youth.tier_list if t.points == 15)
            data[f"c-{c.pk}-{veterans.pk}"] = "none"
            points += D("52.5")  # 20 + 15 + (20 + 15) / 2
        elif c.key == "1:1.1":
            data[f"p-{c.pk}"] = "97,5"  # typed with a comma
            points += D("97.5")
        else:
            data[f"p-{c.pk}"] = str(c.max_points - 1).replace(".00", "")
            points += c.max_points - 1
    return data, points, bonus


def test_an_editor_fills_cites_attaches_and_saves_then_the_head_submits(client, cast, vp_sheet, settings):
    client.force_login(cast["editor"])
    response = client.post(
        reverse("evidence_create", args=["VP"]),
        {
            "citation": "Kế hoạch số 495/KH-VP ngày 29/3/2022 về thực hiện quy chế dân chủ ở cơ sở",
            "upload": SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.number, str(document.issued_on)) == ("KH", "495/KH-VP", "2022-03-29")
    assert document.original_name == "ke-hoach.pdf" and document.file_type == "pdf"

    page = client.get(reverse("sheet_edit", args=[vp_sheet.pk]))
    assert page.status_code == 200
    assert "Kế hoạch số 495/KH-VP ngày 29/3/2022" in page.content.decode()

    data, points, bonus = fill_everything(vp_sheet, document)
    data[field(vp_sheet, "n", "3:8")] = "Báo cáo số 2097/BC-VP ngày 24/11/2022"
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    view = sheet_view(vp_sheet)
    assert (view.grand_total.points, view.grand_total.bonus) == (points, bonus) == (D("910"), D(50))
    assert view.scores["1:1.1"].points == D("97.5")
    assert view.scores["2:7"].points == D("52.5")
    assert view.scores["2:6"].tier.points == 15
    assert Citation.objects.filter(document=document).count() == 31
    pasted = Document.objects.get(number="2097/BC-VP")
    assert set(view.scores["3:8"].documents.all()) == {document, pasted}
    assert "910" in client.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()

    client.force_login(cast["head"])
    confirm = client.get(reverse("sheet_submit", args=[vp_sheet.pk]), follow=True)
    assert confirm.status_code == 200 and "Ký số và nộp" in confirm.content.decode()
    response = sign_and_submit(client, vp_sheet)
    assert response.status_code == 302
    vp_sheet.refresh_from_db()
    assert vp_sheet.status == Sheet.Status.SUBMITTED
    assert vp_sheet.submitted_by == cast["head"] and vp_sheet.submitted_at is not None
    assert vp_sheet.transitions.last().to_status == Sheet.Status.SUBMITTED
    snapshot = SheetSnapshot.objects.get(sheet=vp_sheet)
    assert (snapshot.data["total_points"], snapshot.data["total_bonus"]) == ("910.00", "50.00")
    row = next(r for r in snapshot.data["criteria"] if r["key"] == "2:7")
    assert row["ratings"]["Tổ chức Hội Cựu chiến binh"] is None
    assert "Kế hoạch số 495/KH-VP ngày 29/3/2022" in row["documents"]

    # Locked for the agency now.
    client.force_login(cast["editor"])
    assert client.get(reverse("sheet_edit", args=[vp_sheet.pk])).status_code == 302
    before = Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points
    response = client.post(
        reverse("sheet_edit", args=[vp_sheet.pk]), {**data, field(vp_sheet, "p", "1:1.1"): "1"}
    )
    assert response.status_code == 302
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == before


@pytest.mark.parametrize(
    ("key", "prefix", "typed", "message"),
    [
        ("1:1.1", "p", "mười", "“mười” không phải là số."),
        ("1:1.1", "p", "-5", "Điểm không được âm (-5)."),
        ("1:1.1", "p", "100,5", "Điểm tự chấm tối đa là 100; bạn nhập 100,5."),
        ("2:3", "b", "10", "Điểm thưởng tối đa là 1; bạn nhập 10."),
        ("1:1.2", "p", "2,555", "Điểm chỉ lấy tối đa hai chữ số thập phân (2,555)."),
    ],
)
def test_a_bad_number_is_explained_beside_its_field_and_nothing_is_lost(
    client, cast, vp_sheet, key, prefix, typed, message
):
    client.force_login(cast["editor"])
    name = field(vp_sheet, prefix, key)
    other = field(vp_sheet, "e", "1:1.3")
    data = edit_data(vp_sheet, **{name: typed, other: "Giải trình đang gõ dở"})
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Chưa lưu: có 1 ô cần sửa" in page
    assert f'value="{typed}"' in page  # the typed text stays in its box
    assert "Giải trình đang gõ dở" in page
    assert not Score.objects.filter(sheet=vp_sheet).exists()
    vp_sheet.refresh_from_db()
    assert vp_sheet.version == 1


def test_every_change_is_recorded_and_shown_on_the_history_page(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    p11 = field(vp_sheet, "p", "1:1.1")
    client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{p11: "80"}))
    client.force_login(cast["head"])
    client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{p11: "85,5"}))
    changes = list(ScoreChange.objects.filter(sheet=vp_sheet).order_by("version"))
    assert [(c.field, c.old, c.new, c.by.username, c.version) for c in changes] == [
        ("points", "", "80", "bientap", 2),
        ("points", "80", "85,5", "thutruong", 3),
    ]
    page = client.get(reverse("sheet_history", args=[vp_sheet.pk])).content.decode()
    assert "Nội dung 1, tiêu chí 1.1" in page and "85,5" in page and "thutruong" in page


def test_saving_what_did_not_change_records_nothing(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    p11 = field(vp_sheet, "p", "1:1.1")
    client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{p11: "80"}))
    client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet))
    vp_sheet.refresh_from_db()
    assert vp_sheet.version == 2 and ScoreChange.objects.count() == 1


def test_the_second_of_two_editors_is_told_what_changed_and_keeps_their_input(client, cast, vp_sheet):
    p11, p12 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    first_form = edit_data(vp_sheet)
    second_form = edit_data(vp_sheet)
    client.force_login(cast["editor"])
    assert (
        client.post(reverse("sheet_edit", args=[vp_sheet.pk]), {**first_form, p11: "90"}).status_code == 302
    )
    client.force_login(cast["head"])
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), {**second_form, p11: "70", p12: "45"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "người khác đã lưu giá trị khác vào đúng ô đó" in page
    assert "tiêu chí 1.1 – Điểm tự chấm</a>: bạn nhập “70”; bientap đã lưu “90”" in page
    assert 'value="70"' in page and 'value="45"' in page
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == 90
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.2").points == 45  # the other box is saved
    # Saving again, knowingly, goes on top.
    form = response.context["form"]
    again = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), again)
    assert response.status_code == 302
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == 70


def test_autosave_answers_json(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    p11 = field(vp_sheet, "p", "1:1.1")
    page = edit_data(vp_sheet)
    response = client.post(url, {**page, p11: "88", "autosave": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "saved" and body["saved"] and body["version"] == 2
    assert body["grand_total"] == ["88", "0"] and body["totals"]["1"] == ["88", "0"]
    assert body["conflicts"] == [] and body["fresh"] == {} and body["documents"] == []
    response = client.post(url, edit_data(vp_sheet, **{p11: "999", "autosave": "1"}))
    assert response.status_code == 400
    assert response.json()["errors"][p11] == "Điểm tự chấm tối đa là 100; bạn nhập 999."
    response = client.post(url, {**page, p11: "50", "autosave": "1"})  # a page from before the 88
    assert response.status_code == 200 and response.json()["conflicts"][0]["theirs"] == "88"
    stale = {**page, p11: "50", "autosave": "1"}
    del stale["base"]  # an older page, without its base: the version check of before
    response = client.post(url, stale)
    assert response.status_code == 409 and "88" in response.json()["changes"][0]
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == 88


def test_mass_assignment_changes_nothing(client, cast, vp_sheet, agencies):
    client.force_login(cast["editor"])
    data = edit_data(
        vp_sheet,
        agency=agencies["STC"].pk,
        status="accepted",
        reviewed_points="5",
        **{field(vp_sheet, "p", "1:1.1"): "50"},
    )
    client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    vp_sheet.refresh_from_db()
    assert vp_sheet.agency == agencies["VP"] and vp_sheet.status == Sheet.Status.DRAFT
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").reviewed_points is None


def test_the_form_and_a_full_save_cost_a_fixed_number_of_queries(
    client, cast, vp_sheet, django_assert_num_queries
):
    document = Document.objects.create(
        agency=vp_sheet.agency, kind="KH", number="1/KH-VP", issued_on="2022-01-05"
    )
    client.force_login(cast["editor"])
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200
    data, _, _ = fill_everything(vp_sheet, document)
    # 27: the merge reads the sheet under a row lock (SELECT … FOR UPDATE) before its version's UPDATE,
    # which the version check of before did in one conditional UPDATE.
    with django_assert_num_queries(27):
        assert client.post(url, data).status_code == 302
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200


def test_an_untouched_text_sent_back_with_crlf_line_ends_is_not_a_change(client, cast, vp_sheet):
    criterion = vp_sheet.rubric.criteria.get(key="1:1.2")
    Score.objects.create(sheet=vp_sheet, criterion=criterion, points=50, explanation="- Một\n- Hai")
    client.force_login(cast["editor"])
    data = edit_data(vp_sheet, **{f"e-{criterion.pk}": "- Một\r\n- Hai"})
    assert client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data).status_code == 302
    assert not ScoreChange.objects.exists()
