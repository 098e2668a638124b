from django.core.management.base import BaseCommand, CommandError

from ...models import Rubric
from ...rubrics.services import rubric_copy
from ._common import get_rubric


class Command(BaseCommand):
    help = "Sao chép bảng tiêu chí của một năm sang năm khác (chỉ tiêu chí: không kèm điểm, trạng thái, minh chứng)."

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True)
        parser.add_argument("--from-year", required=True, type=int)
        parser.add_argument("--to-year", required=True, type=int)

    def handle(self, *args, bloc, from_year, to_year, **options):
        rubric = get_rubric(bloc, from_year)
        if Rubric.objects.filter(bloc=rubric.bloc, year=to_year).exists():
            raise CommandError(f"Khối {rubric.bloc.code} đã có bảng tiêu chí năm {to_year}.")
        new = rubric_copy(rubric=rubric, year=to_year)
        self.stdout.write(f"Đã tạo “{new.title}” với {new.criteria.count()} tiêu chí.")
