from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...models import Rubric, Sheet
from ._common import add_export_arguments, get_agency


class Command(BaseCommand):
    # An export reads a few rows and writes a file: the system checks (which import every URLconf, view and
    # admin, pyHanko with them) would double the start-up of a process that lasts a couple of seconds.
    requires_system_checks = []
    help = "Xuất Bảng chấm điểm của một đơn vị, một năm ra PDF hoặc Excel."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="mã cơ quan, đơn vị, ví dụ VP")
        add_export_arguments(parser)

    def handle(self, *args, agency, year, format, output, round=Rubric.Round.YEAR_END, **options):
        agency = get_agency(agency)
        sheet = (
            Sheet.objects.filter(agency=agency, rubric__year=year, rubric__round=round)
            .select_related("rubric", "agency")
            .first()
        )
        if sheet is None:
            raise CommandError(f"{agency.name} chưa có bảng chấm điểm {Rubric.Round.of_year(round)} {year}.")
        # Imported here, each for its own format: WeasyPrint and openpyxl are half of a short process's start.
        if format == "pdf":
            from ...exports.pdf import sheet_pdf as export
        else:
            from ...exports.xlsx import sheet_xlsx as export
        content = export(sheet)
        Path(output).write_bytes(content)
        self.stdout.write(f"Đã ghi {output} ({len(content):,} byte).".replace(",", "."))
