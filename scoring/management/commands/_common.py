"""What the commands share: finding a bloc, a rubric or an agency by the codes people type."""

from django.core.management.base import CommandError

from ...models import Agency, Bloc, Rubric


def get_bloc(code: str) -> Bloc:
    try:
        return Bloc.objects.get(code=code)
    except Bloc.DoesNotExist:
        raise CommandError(f"Không có khối thi đua mã “{code}”.") from None


def get_rubric(bloc_code: str, year: int) -> Rubric:
    bloc = get_bloc(bloc_code)
    try:
        return Rubric.objects.select_related("bloc").get(bloc=bloc, year=year)
    except Rubric.DoesNotExist:
        raise CommandError(f"Khối {bloc.code} chưa có bảng tiêu chí năm {year}.") from None


def get_agency(code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise CommandError(f"Không có cơ quan, đơn vị mã “{code}”.") from None


def add_export_arguments(parser) -> None:
    """--year, --format and -o, as every export command takes them."""
    parser.add_argument("--year", required=True, type=int)
    parser.add_argument("--format", required=True, choices=["pdf", "xlsx"])
    parser.add_argument("-o", "--output", required=True, help="tệp ghi ra")
