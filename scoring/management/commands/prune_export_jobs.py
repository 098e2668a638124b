from django.conf import settings
from django.core.management.base import BaseCommand

from ...jobs.pruning import prune_export_jobs


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Xóa các tệp xuất (bảng tổng hợp) đã xong hoặc lỗi từ quá số ngày cho trước, cùng tệp của chúng và "
        "những tệp không còn thuộc tệp xuất nào, và các lần nhập từ Excel đã xong từ quá số ngày ấy; tệp xuất "
        "và lần nhập đang chạy quá hạn được ghi là lỗi."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.EXPORT_JOB_KEEP_DAYS,
            help="giữ tệp xuất xong trong bấy nhiêu ngày (mặc định EXPORT_JOB_KEEP_DAYS, 30)",
        )

    def handle(self, *args, days, **options):
        pruned = prune_export_jobs(keep_days=days)
        self.stdout.write(
            f"Đã xóa {pruned.jobs} tệp xuất cũ và {pruned.files} tệp trên ổ đĩa, {pruned.imports} lần nhập cũ."
        )
