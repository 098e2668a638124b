from django.core.management.base import BaseCommand, CommandError

from ...models import Round
from ...notation import format_points
from ...rubrics.services import RoundClosed
from ...sheets.workbook import import_sheet
from ...workbooks import WorkbookError
from ._common import add_round_argument, get_agency


class Command(BaseCommand):
    help = (
        "Nhập bảng chấm điểm đã điền của một đơn vị từ tệp Excel vào bảng đang nhập của đơn vị; "
        "báo mọi chỗ sai, không ghi gì nếu có lỗi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--agency", required=True, help="mã cơ quan, đơn vị, ví dụ VP")
        parser.add_argument("--year", required=True, type=int)
        add_round_argument(parser)
        parser.add_argument("--dry-run", action="store_true", help="chỉ đọc và báo cáo, không ghi gì")
        parser.add_argument(
            "--clamp", action="store_true", help="điểm vượt mức tối đa được tính bằng mức tối đa"
        )

    def handle(self, *args, file, agency, year, dry_run, clamp, round="year", **options):
        try:
            result = import_sheet(
                file, agency=get_agency(agency), year=year, clamp=clamp, dry_run=dry_run, round=round
            )
        except WorkbookError as exc:
            for problem in exc.problems:
                self.stderr.write(f"LỖI  {problem}")
            raise CommandError("Không nhập gì.") from None
        except RoundClosed:
            raise CommandError(f"{Round.kind(round).name} {year} đã khóa sổ: không nhập gì.") from None
        for problem in result.problems:
            self.stdout.write(str(problem))
        if not result.problems:
            self.stdout.write("Không thấy chỗ nào sai.")
        self.stdout.write(
            f"Tổng cộng: điểm tự chấm {format_points(result.total.points)}, "
            f"điểm thưởng tự chấm {format_points(result.total.bonus)}"
            + (" (điểm vượt mức tối đa tính bằng mức tối đa)" if result.errors or clamp else "")
        )
        if result.errors:
            raise CommandError(
                f"Có {len(result.errors)} lỗi: không ghi gì"
                + ("" if clamp else " (dùng --clamp để tính điểm vượt mức bằng mức tối đa)")
                + "."
            )
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
        else:
            self.stdout.write(f"Đã ghi vào bảng chấm điểm {result.rubric.period} của {result.agency.name}.")
