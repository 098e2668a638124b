import datetime

from django.core.management.base import BaseCommand, CommandError

from ...models import Rubric
from ...rubrics.services import award_specs, rubric_copy, shifted
from ._common import get_bloc, get_rubric


def day_month_year(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(f"Hạn nộp “{text}” cần có dạng ngày/tháng/năm, ví dụ 15/12/2023.") from None


class Command(BaseCommand):
    help = (
        "Sao chép bảng tiêu chí sang năm khác hoặc khối khác: tiêu chí, mức điểm, tổ chức được chấm, quy tắc "
        "khen thưởng; hạn nộp dời theo số năm (hoặc --deadline). Không kèm điểm, trạng thái, minh chứng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True)
        parser.add_argument("--from-year", required=True, type=int)
        parser.add_argument("--to-year", required=True, type=int)
        parser.add_argument("--to-bloc", help="mã khối nhận (mặc định: cùng khối)")
        basis = parser.add_mutually_exclusive_group()
        basis.add_argument("--legal-basis", help="căn cứ của bảng tiêu chí mới")
        basis.add_argument("--keep-legal-basis", action="store_true", help="giữ căn cứ của bảng cũ")
        parser.add_argument("--deadline", type=day_month_year, help="hạn nộp, ngày/tháng/năm")

    def handle(
        self, *args, bloc, from_year, to_year, to_bloc, legal_basis, keep_legal_basis, deadline, **options
    ):
        rubric = get_rubric(bloc, from_year)
        target = get_bloc(to_bloc) if to_bloc else rubric.bloc
        if Rubric.objects.year_end().filter(bloc=target, year=to_year).exists():
            raise CommandError(f"Khối {target.code} đã có bảng tiêu chí năm {to_year}.")
        if legal_basis is None and not keep_legal_basis:
            raise CommandError(
                f'Cho biết căn cứ của bảng tiêu chí năm {to_year}: --legal-basis "…", hoặc --keep-legal-basis '
                f"để giữ căn cứ năm {from_year}."
            )
        new = rubric_copy(
            rubric=rubric,
            bloc=target,
            year=to_year,
            legal_basis=rubric.legal_basis if keep_legal_basis else legal_basis,
            deadline=deadline or shifted(rubric.deadline, to_year - from_year),
            award_rules=award_specs(rubric),
        )
        self.stdout.write(f"Đã tạo “{new.title}” với {new.criteria.count()} tiêu chí (đang soạn).")
        self.stdout.write(f"Hạn nộp: {new.deadline.strftime('%d/%m/%Y') if new.deadline else 'chưa có'}.")
        awards = "; ".join(spec.award for spec in award_specs(new)) or "chưa có"
        self.stdout.write(f"Quy tắc khen thưởng: {awards}.")
