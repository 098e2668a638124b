from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...exports.bloc import bloc_pdf, bloc_xlsx
from ...models import BlocYear, Rubric
from ...review.standings import bloc_round
from ._common import add_export_arguments, get_rubric


class Command(BaseCommand):
    # An export reads a few rows and writes a file: the system checks (which import every URLconf, view and
    # admin, pyHanko with them) would double the start-up of a process that lasts a couple of seconds.
    requires_system_checks = []
    help = "Xuất bảng tổng hợp cuối năm của một khối (tổng hợp, xếp hạng, ma trận điểm, từng đơn vị)."

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True, help="mã khối thi đua, ví dụ TMTH")
        add_export_arguments(parser)

    def handle(self, *args, bloc, year, format, output, round=Rubric.Round.YEAR_END, **options):
        rubric = get_rubric(bloc, year, round)
        bloc_year = BlocYear.objects.filter(bloc=rubric.bloc, year=year).first()
        if bloc_year is None:
            raise CommandError(f"Khối {bloc} chưa có danh sách thành viên năm {year}.")
        state = bloc_round(rubric, bloc_year)
        content = bloc_pdf(state) if format == "pdf" else bloc_xlsx(state)
        Path(output).write_bytes(content)
        ranked = len(state.ranked)
        self.stdout.write(
            f"Đã ghi {output}: {len(state.members)} thành viên, {ranked} đơn vị đã duyệt được xếp hạng."
        )
