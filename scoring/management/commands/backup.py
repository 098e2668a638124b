from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backups import backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu (cơ sở dữ liệu và tệp đã tải lên) vào một tệp zip."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="tệp .zip ghi ra")

    def handle(self, *args, output, **options):
        try:
            manifest = backup(Path(output))
        except OSError as exc:  # a full disk or a missing directory: nothing is left under `output`
            raise CommandError(f"Không ghi được tệp sao lưu {output}: {exc.strerror or exc}.") from None
        for name in manifest["missing"]:
            self.stderr.write(
                f"Cảnh báo: tệp {name} có trong cơ sở dữ liệu nhưng không có trên đĩa, không sao lưu được."
            )
        self.stdout.write(
            f"Đã sao lưu {manifest['objects']} bản ghi và {len(manifest['files'])} tệp vào {output}."
        )
