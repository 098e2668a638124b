from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backups import BackupError, readable_by_others, restore


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu (tạo bởi lệnh backup) vào cơ sở dữ liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .zip của lệnh backup")

    def handle(self, *args, file, **options):
        # A warning, not a refusal: an archive copied by scp or from a USB stick often loses its mode, and
        # the restore after a loss should not wait for that.
        if Path(file).is_file() and readable_by_others(Path(file)):
            self.stderr.write(
                f"Cảnh báo: người khác trên máy này đọc được tệp sao lưu {file}, trong khi tệp chứa mật khẩu"
                f" (đã băm) của mọi tài khoản và tài liệu của mọi đơn vị. Hãy chạy: chmod 600 {file}"
            )
        try:
            manifest = restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name in manifest["missing"]:
            self.stderr.write(
                f"Cảnh báo: tệp {name} đã thiếu trên đĩa khi sao lưu, nên không có trong bản sao lưu."
            )
        self.stdout.write(
            f"Đã khôi phục {manifest['objects']} bản ghi và {len(manifest['files'])} tệp (sao lưu lúc {manifest['created']})."
        )
