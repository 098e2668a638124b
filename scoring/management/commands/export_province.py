from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...exports.province import province_pdf, province_xlsx
from ...province.jobs import province_table
from ._common import add_export_arguments


class Command(BaseCommand):
    requires_system_checks = []  # as export_bloc: an export's process should not pay for the checks
    help = "Xuất bảng tổng hợp toàn tỉnh của một năm: mọi khối, từng thành viên, xếp hạng trong khối."

    def add_arguments(self, parser):
        add_export_arguments(parser, rounds=False)  # the province's tables are the year-end round's

    def handle(self, *args, year, format, output, **options):
        table = province_table(year)
        if not table.rounds:
            raise CommandError(f"Năm {year} chưa có khối thi đua nào có bảng tiêu chí.")
        Path(output).write_bytes(province_pdf(table) if format == "pdf" else province_xlsx(table))
        self.stdout.write(f"Đã ghi {output}: {len(table.rounds)} khối, {table.members} đơn vị.")
