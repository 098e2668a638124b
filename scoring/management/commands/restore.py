from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backups import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu (tạo bởi lệnh backup) vào cơ sở dữ liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .zip của lệnh backup")

    def handle(self, *args, file, **options):
        try:
            manifest = restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Đã khôi phục {manifest['objects']} bản ghi và {len(manifest['files'])} tệp (sao lưu lúc {manifest['created']})."
        )
