from decimal import Decimal as D

import pytest

from scoring.notation import NumberError, format_points, parse_points, parse_points_list


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2,5", D("2.5")),
        ("2.5", D("2.5")),
        (" 15 ", D(15)),
        ("02", D(2)),
        (2.5, D("2.5")),
        (20, D(20)),
        ("0,25", D("0.25")),
        ("", None),
        (None, None),
        ("\u00a010", D(10)),
        ("99999,99", D("99999.99")),
        ("000000000000000000000000000001", D(1)),
    ],
)
def test_it_reads_a_score_as_people_type_it(typed, value):
    assert parse_points(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "“abc” không phải là số."),
        ("2,5,1", "“2,5,1” không phải là số."),
        ("-1", "Điểm không được âm (-1)."),
        ("1,234", "Điểm chỉ lấy tối đa hai chữ số thập phân (1,234)."),
        (True, "“True” không phải là số."),
        ("1" * 30, "Số quá dài: điểm có nhiều nhất 5 chữ số trước dấu phẩy (số đã nhập có 30 chữ số)."),
        ("100000,5", "Số quá dài: điểm có nhiều nhất 5 chữ số trước dấu phẩy (số đã nhập có 6 chữ số)."),
        (1e30, "Số quá dài: điểm có nhiều nhất 5 chữ số trước dấu phẩy (số đã nhập có 31 chữ số)."),
        (float("inf"), "“inf” không phải là số."),
        (D("NaN"), "“NaN” không phải là số."),
    ],
)
def test_it_refuses_what_is_not_a_score_with_a_vietnamese_message(typed, message):
    with pytest.raises(NumberError) as exc:
        parse_points(typed)
    assert str(exc.value) == message


def test_it_reads_a_total_followed_by_its_parts():
    assert parse_points_list("60 20 20") == [D(60), D(20), D(20)]
    assert parse_points_list(60) == [D(60)]
    assert parse_points_list(None) == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("945.00"), "945"),
        (D("2.50"), "2,5"),
        (D("52.25"), "52,25"),
        (D(12400), "12.400"),
        (None, ""),
        (D(0), "0"),
    ],
)
def test_it_shows_numbers_the_vietnamese_way(value, shown):
    assert format_points(value) == shown


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        ((2022, 1, 4), "04/01/2022"),
        ((2022, 2, 15), "15/02/2022"),
        ((2022, 3, 29), "29/3/2022"),
        ((2022, 8, 3), "03/8/2022"),
        ((2022, 12, 31), "31/12/2022"),
    ],
)
def test_it_writes_dates_as_official_documents_do(day, shown):
    import datetime

    from scoring.notation import format_date

    assert format_date(datetime.date(*day)) == shown
