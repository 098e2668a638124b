"""Excel in: a list of an agency's staff, one person a row under the header `Họ và tên | E-mail | Vai trò`;
and the people page's confirmed upload, written by the worker (jobs.imports runs it)."""

import logging
from pathlib import Path

from django_tasks import task

from ..jobs.imports import Plan, import_job_run
from ..models import Agency, ImportJob
from ..workbooks import HEADER_SCAN_ROWS, WorkbookError, clean_text, normalize, open_workbook
from .people import PersonInput, people_add, role_from_text, send_invitations

logger = logging.getLogger(__name__)
MAIL_FAILED = (
    "Chưa gửi được thư mời đặt mật khẩu (máy chủ thư không nhận): bấm “Gửi lại thư mời” bên mỗi người ở "
    "danh sách người dùng."
)

COLUMNS = {
    "name": ("họ và tên", "họ tên", "họ, tên"),
    "email": ("e-mail", "email", "thư điện tử"),
    "role": ("vai trò",),
}
MAX_PEOPLE = 500


def _header(rows) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(rows, start=1):
        columns = {}
        for index, value in enumerate(row):
            label = normalize(value)
            key = next((k for k, names in COLUMNS.items() if label in names), None)
            if key and key not in columns:
                columns[key] = index
        if len(columns) == len(COLUMNS):
            return number, columns
        if number >= HEADER_SCAN_ROWS:
            return None
    return None


def read_roster(path: str | Path) -> list[PersonInput]:
    """The people listed in the first worksheet that has the header; raises WorkbookError if none has it."""
    workbook = open_workbook(path)
    try:
        for ws in workbook.worksheets:
            rows = ws.iter_rows(max_col=30, values_only=True)
            found = _header(rows)
            if found is None:
                continue
            header_row, columns = found
            return _people(rows, header_row, columns, ws.title)
    finally:
        workbook.close()
    raise WorkbookError(
        [
            f"Không tìm thấy dòng tiêu đề (Họ và tên | E-mail | Vai trò) trong {HEADER_SCAN_ROWS} dòng đầu của tệp."
        ]
    )


def _people(rows, header_row: int, columns: dict[str, int], sheet: str) -> list[PersonInput]:
    people = []
    for number, row in enumerate(rows, start=header_row + 1):
        cells = {k: clean_text(row[i]) if i < len(row) else "" for k, i in columns.items()}
        if not any(cells.values()):
            continue
        if len(people) >= MAX_PEOPLE:
            raise WorkbookError(
                [f"Trang tính “{sheet}” có hơn {MAX_PEOPLE} người: hãy chia thành nhiều tệp."]
            )
        person = PersonInput(cells["name"], cells["email"], role_from_text(cells["role"]), row=number)
        if cells["role"] and not person.role:
            person.role = "?" + cells["role"]
        people.append(person)
    if not people:
        raise WorkbookError([f"Trang tính “{sheet}” không có ai dưới dòng tiêu đề."])
    return people


@task()
def people_import_job(job_id: int) -> str:
    """What the worker runs: the job's status once it has run."""
    return import_job_run(job_id=job_id, prepare=prepare_roster)


def prepare_roster(job: ImportJob, path: Path) -> Plan:
    """Everybody in the file added in the job's transaction (every row checked again there: an address may
    have been taken since the preview), or nobody; the invitations once they are committed."""
    agency = Agency.objects.filter(code=job.params.get("agency", "")).first()
    if agency is None:
        raise WorkbookError([f"Không còn cơ quan, đơn vị mã {job.params.get('agency')}."])
    roster = read_roster(path)
    users = []

    def write() -> str:
        users.extend(people_add(agency=agency, people=roster, by=job.requested_by))
        return f"Đã thêm {len(users)} người vào {agency.name}."

    def after() -> str:
        try:
            sent = send_invitations(users, by=job.requested_by)
        except Exception:  # the accounts stay: each invitation can be sent again from the list
            logger.exception("import job %s: the invitations were not sent", job.pk)
            sent = False
        if not sent:
            return MAIL_FAILED
        return "Đã gửi thư mời đặt mật khẩu cho từng người."

    return Plan(write, after)
