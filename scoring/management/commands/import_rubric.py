from django.core.management.base import BaseCommand, CommandError

from ... import rollup
from ...notation import format_points
from ...rubrics.tree import rubric_tree
from ...rubrics.workbook import import_rubric
from ...workbooks import WorkbookError
from ._common import get_bloc


class Command(BaseCommand):
    help = "Nhập bảng tiêu chí của một khối, một năm từ tệp Excel (TT | Tiêu chí | Điểm chuẩn | Điểm thưởng)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--bloc", required=True, help="mã khối thi đua, ví dụ TMTH")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--title", default="", help="tên bảng tiêu chí (mặc định: lấy từ dòng tiêu đề của tệp)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="thay bảng tiêu chí đã có (khi chưa đơn vị nào nộp)"
        )

    def handle(self, *args, file, bloc, year, title, replace, **options):
        try:
            rubric = import_rubric(file, bloc=get_bloc(bloc), year=year, title=title, replace=replace)
        except WorkbookError as exc:
            for problem in exc.problems:
                self.stderr.write(f"LỖI  {problem}")
            raise CommandError("Không nhập gì: hãy sửa tệp rồi nhập lại.") from None
        rtree = rubric_tree(rubric)
        totals = rollup.rubric_totals(rtree.tree)
        sections = sum(1 for c in rtree.criteria if c.parent_id is None)
        self.stdout.write(f"Đã nhập “{rubric.title}” – khối {rubric.bloc.code}, năm {year}:")
        self.stdout.write(f"{sections} nội dung, {len(rtree.criteria) - sections} tiêu chí.")
        for criterion in rtree.criteria:
            if criterion.parent_id is None:
                self.stdout.write(
                    f"  {criterion.code}: điểm chuẩn {format_points(criterion.max_points)}, "
                    f"điểm thưởng {format_points(criterion.max_bonus)}"
                )
        self.stdout.write(f"Tổng điểm chuẩn: {format_points(totals.points)}")
        self.stdout.write(f"Tổng điểm thưởng: {format_points(totals.bonus)}")
