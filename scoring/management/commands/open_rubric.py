from django.core.management.base import BaseCommand, CommandError

from ...models import Rubric
from ...rubrics.services import RubricNotReady, rubric_open
from ._common import add_round_argument, get_rubric


class Command(BaseCommand):
    help = (
        "Mở bảng tiêu chí cho các đơn vị chấm điểm, như nút “Mở chấm điểm”: cây tiêu chí phải khớp điểm, "
        "có hạn nộp và đề nghị khen thưởng theo thứ hạng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True, help="mã khối thi đua, ví dụ TMTH")
        parser.add_argument("--year", required=True, type=int)
        add_round_argument(parser)

    def handle(self, *args, bloc, year, round=Rubric.Round.YEAR_END, **options):
        rubric = get_rubric(bloc, year, round)
        try:
            rubric_open(rubric=rubric)
        except RubricNotReady as exc:
            for reason in exc.reasons:
                self.stdout.write(f"CHƯA ĐƯỢC  {reason}")
            raise CommandError(f"Chưa mở được bảng tiêu chí: {len(exc.reasons)} lý do.") from None
        self.stdout.write(f"Đã mở “{rubric.title}” cho các đơn vị chấm điểm.")
