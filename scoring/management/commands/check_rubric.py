from django.core.management.base import BaseCommand, CommandError

from ... import rollup
from ...models import Rubric
from ...notation import format_points
from ...rubrics.tree import rubric_tree
from ._common import add_round_argument, get_rubric


class Command(BaseCommand):
    help = (
        "Kiểm tra bảng tiêu chí: điểm của mỗi tiêu chí cha có bằng tổng các tiêu chí con không, và tổng điểm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True, help="mã khối thi đua, ví dụ TMTH")
        parser.add_argument("--year", required=True, type=int)
        add_round_argument(parser)

    def handle(self, *args, bloc, year, round=Rubric.Round.YEAR_END, **options):
        rubric = get_rubric(bloc, year, round)
        tree = rubric_tree(rubric).tree
        found = rollup.mismatches(tree)
        self.stdout.write(f"{rubric.title} – khối {rubric.bloc.code}, năm {rubric.year}")
        for m in found:
            self.stdout.write(
                f"LỆCH  {m.label}: {m.what} ghi {format_points(m.stated)}, các phần cộng lại {format_points(m.computed)}"
            )
        if not found:
            self.stdout.write("Không có chỗ lệch: mỗi tiêu chí cha bằng tổng các tiêu chí con.")
        totals = rollup.rubric_totals(tree)
        self.stdout.write(f"Tổng điểm chuẩn: {format_points(totals.points)}")
        self.stdout.write(f"Tổng điểm thưởng: {format_points(totals.bonus)}")
        if found:
            raise CommandError(f"Bảng tiêu chí có {len(found)} chỗ lệch.")
