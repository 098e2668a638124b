import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...notifications import reminders


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc các đơn vị chưa nộp bảng chấm điểm khi còn ít ngày đến hạn (chạy hằng ngày bằng cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="nhắc khi còn từ chừng này ngày trở xuống")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD (để thử)"
        )

    def handle(self, *args, days, today, **options):
        sent = reminders(today or timezone.localdate(), days)
        self.stdout.write(f"Đã gửi {sent} thư nhắc.")
