"""Parallel saves of one box of a sheet, on SQLite as on PostgreSQL: exactly one wins, the others are told."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from scoring.models import Score, ScoreChange

from ..factories import edit_data, field

WRITERS = 4


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_one_wins_the_others_get_the_conflict_message(cast, vp_sheet):
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    p11 = field(vp_sheet, "p", "1:1.1")
    base = edit_data(vp_sheet)
    users = [cast["editor"], cast["head"]] * (WRITERS // 2)
    barrier = threading.Barrier(WRITERS)
    results: list[tuple[int, str, str]] = []

    def save(user, points: str):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            response = client.post(url, {**base, p11: points})
            results.append((response.status_code, points, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user, str(60 + i))) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(code for code, _, _ in results)
    assert codes == [200] * (WRITERS - 1) + [302], codes
    winner = next(points for code, points, _ in results if code == 302)
    for code, _, page in results:
        if code == 200:
            assert "người khác đã lưu giá trị khác vào đúng ô đó" in page
            assert f"đã lưu “{winner}”" in page
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == Decimal(winner)
    vp_sheet.refresh_from_db()
    assert vp_sheet.version == 2
    assert ScoreChange.objects.filter(sheet=vp_sheet).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_of_different_boxes_are_all_kept(cast, vp_sheet):
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    keys = ["1:1.1", "1:1.2", "1:1.3", "2:1"][:WRITERS]
    base = edit_data(vp_sheet)
    users = [cast["editor"], cast["head"]] * (WRITERS // 2)
    barrier = threading.Barrier(WRITERS)
    codes: list[int] = []

    def save(user, key: str):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            codes.append(client.post(url, {**base, field(vp_sheet, "p", key): "7"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user, key)) for user, key in zip(users, keys, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert codes == [302] * WRITERS
    assert {s.criterion.key: s.points for s in Score.objects.filter(sheet=vp_sheet)} == dict.fromkeys(keys, 7)
    vp_sheet.refresh_from_db()
    assert vp_sheet.version == 1 + WRITERS
    assert sorted(ScoreChange.objects.filter(sheet=vp_sheet).values_list("version", flat=True)) == [
        2,
        3,
        4,
        5,
    ]
