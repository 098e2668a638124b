from pathlib import Path

from django.core.management.base import BaseCommand

from ...backups import backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu (cơ sở dữ liệu và tệp đã tải lên) vào một tệp zip."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="tệp .zip ghi ra")

    def handle(self, *args, output, **options):
        manifest = backup(Path(output))
        self.stdout.write(
            f"Đã sao lưu {manifest['objects']} bản ghi và {len(manifest['files'])} tệp vào {output}."
        )
