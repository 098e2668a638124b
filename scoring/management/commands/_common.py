"""What the commands share: finding a bloc, a rubric or an agency by the codes people type."""

from django.core.management.base import CommandError

from ...models import Agency, Bloc, Rubric


def get_bloc(code: str) -> Bloc:
    try:
        return Bloc.objects.get(code=code)
    except Bloc.DoesNotExist:
        raise CommandError(f"Không có khối thi đua mã “{code}”.") from None


def get_rubric(bloc_code: str, year: int, round: str = Rubric.Round.YEAR_END) -> Rubric:
    bloc = get_bloc(bloc_code)
    try:
        return Rubric.objects.select_related("bloc").get(bloc=bloc, year=year, round=round)
    except Rubric.DoesNotExist:
        raise CommandError(
            f"Khối {bloc.code} chưa có bảng tiêu chí {Rubric.Round.of_year(round)} {year}."
        ) from None


def get_agency(code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise CommandError(f"Không có cơ quan, đơn vị mã “{code}”.") from None


def add_round_argument(parser) -> None:
    """--round year|mid|…: the year-end round (the default) or another of the year's rounds."""
    default = Rubric.Round.YEAR_END
    parser.add_argument(
        "--round",
        default=default,
        choices=Rubric.Round.values,
        help="; ".join(
            f"{value}: {label.lower()}" + (" (mặc định)" if value == default else "")
            for value, label in Rubric.Round.choices
        ),
    )


def add_export_arguments(parser, *, rounds: bool = True) -> None:
    """--year, --round (where the export has rounds), --format and -o, as every export command takes them."""
    parser.add_argument("--year", required=True, type=int)
    if rounds:
        add_round_argument(parser)
    parser.add_argument("--format", required=True, choices=["pdf", "xlsx"])
    parser.add_argument("-o", "--output", required=True, help="tệp ghi ra")
