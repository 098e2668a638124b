"""Load test: 50 staff of 50 agencies open and save their sheets for 60 s while a reviewer exports.

    bash scripts/loadtest.sh        (PostgreSQL on 127.0.0.1:5432, gunicorn on 127.0.0.1:8765)

A bounded asyncio client (httpx) that stops by itself. It makes a scratch database (LOADTEST_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/vpub_loadtest — dropped and created anew), starts gunicorn on
loopback, runs, stops gunicorn, and prints requests per second, median and 95th-percentile latency, errors
and lost updates (an agency whose sheet does not end equal to its last accepted save).
"""

import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vpub_loadtest")
HOST, PORT = "127.0.0.1", int(os.environ.get("LOADTEST_PORT", "8765"))
BASE = f"http://{HOST}:{PORT}"
STAFF = int(os.environ.get("LOADTEST_STAFF", "50"))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
PASSWORD = "tai-thu-mat-khau-2026"
VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment() -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DEBUG": "1",
        "DEMO_LOGIN_ENABLED": "0",
        "DJANGO_SETTINGS_MODULE": "vpub.settings",
        "MEDIA_ROOT": "/tmp/vpub-loadtest-media",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def prepare() -> dict:
    """A fresh database with the 2022 rubric, STAFF agencies with an editor each, and a reviewer."""
    admin_url, _, name = DB_URL.rpartition("/")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(environment())
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from scoring.models import Agency, AwardRule, Bloc, BlocMember, BlocYear, Membership, Rubric
    from scoring.sheets.services import sheet_for
    from tests.conftest import make_agency

    call_command("migrate", verbosity=0)
    call_command("loaddata", "rubric_tmth_2022", verbosity=0)
    rubric = Rubric.objects.get(bloc__code="TMTH", year=2022)
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua", max_count=1)
    bloc_year = BlocYear.objects.create(bloc=Bloc.objects.get(code="TMTH"), year=2022)
    users = get_user_model()
    staff = []
    for i in range(STAFF):
        agency = make_agency(f"L{i}", f"Đơn vị tải {i:02d}")
        BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
        user = users.objects.create_user(f"tai{i:02d}", password=PASSWORD)
        Membership.objects.create(user=user, agency=agency, role="editor")
        sheet = sheet_for(rubric=rubric, agency=agency)
        staff.append({"username": user.username, "sheet": sheet.pk})
    leader = Agency.objects.get(code="L0")
    bloc_year.leader = leader
    bloc_year.save()
    reviewer = users.objects.create_user("taichamdiem", password=PASSWORD)
    Membership.objects.create(user=reviewer, agency=leader, role="reviewer")
    field = f"p-{rubric.criteria.get(key='1:1.1').pk}"
    return {"staff": staff, "field": field}


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "vpub.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            "4",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Stats:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []

    async def call(self, client: httpx.AsyncClient, method: str, url: str, **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.errors.append(f"{method} {url}: {exc!r}")
            return None
        self.latencies.append(time.perf_counter() - started)
        if response.status_code >= 500:
            self.errors.append(f"{method} {url}: {response.status_code}")
        return response


async def log_in(client: httpx.AsyncClient, stats: Stats, username: str) -> None:
    page = await stats.call(client, "GET", "/dang-nhap/")
    token = CSRF.search(page.text).group(1)
    response = await stats.call(
        client,
        "POST",
        "/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
    )
    if response is None or response.status_code != 302:
        raise SystemExit(f"{username} could not log in")


async def staff_member(person: dict, field: str, stats: Stats, deadline: float, last_saved: dict) -> None:
    async with httpx.AsyncClient(base_url=BASE, timeout=60) as client:
        await log_in(client, stats, person["username"])
        url = f"/bang-cham-diem/{person['sheet']}/cham-diem/"
        while time.monotonic() < deadline:
            page = await stats.call(client, "GET", url)
            if page is None or page.status_code != 200:
                continue
            value = str(random.randint(0, 100))
            response = await stats.call(
                client,
                "POST",
                url,
                data={
                    "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                    "version": VERSION.search(page.text).group(1),
                    field: value,
                },
            )
            if response is not None and response.status_code == 302:
                last_saved[person["sheet"]] = value
            elif response is not None and response.status_code != 200:
                stats.errors.append(f"save answered {response.status_code}")


async def reviewer(stats: Stats, deadline: float) -> int:
    exports = 0
    async with httpx.AsyncClient(base_url=BASE, timeout=120) as client:
        await log_in(client, stats, "taichamdiem")
        while time.monotonic() < deadline:
            response = await stats.call(client, "GET", "/khoi/TMTH/2022/tong-hop.xlsx")
            if response is not None and response.status_code == 200 and response.content[:2] == b"PK":
                exports += 1
            elif response is not None:
                stats.errors.append(f"export answered {response.status_code}")
    return exports


async def run(config: dict) -> tuple[Stats, dict, int, float]:
    stats, last_saved = Stats(), {}
    started = time.monotonic()
    deadline = started + SECONDS
    tasks = [staff_member(p, config["field"], stats, deadline, last_saved) for p in config["staff"]]
    results = await asyncio.gather(reviewer(stats, deadline), *tasks)
    return stats, last_saved, results[0], time.monotonic() - started


def lost_updates(last_saved: dict, field_key: str = "1:1.1") -> int:
    from scoring.models import Score

    lost = 0
    for sheet_id, value in last_saved.items():
        score = Score.objects.filter(sheet_id=sheet_id, criterion__key=field_key).first()
        if score is None or score.points != int(value):
            lost += 1
    return lost


def main() -> None:
    import logging

    config = prepare()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    server = start_server()
    try:
        stats, last_saved, exports, elapsed = asyncio.run(run(config))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = sorted(stats.latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0
    lost = lost_updates(last_saved)
    print(
        f"{STAFF} nhân viên của {STAFF} đơn vị, {elapsed:.0f} s, gunicorn 4 tiến trình × 4 luồng, PostgreSQL"
    )
    print(f"yêu cầu: {len(latencies)}  ({len(latencies) / elapsed:.1f}/s)")
    print(f"độ trễ trung vị: {statistics.median(latencies) * 1000:.0f} ms   p95: {p95 * 1000:.0f} ms")
    print(f"lần lưu thành công: {len(last_saved)} bảng có lưu; lượt xuất bảng tổng hợp: {exports}")
    print(f"lỗi: {len(stats.errors)}   mất cập nhật: {lost}")
    for error in stats.errors[:10]:
        print("  ", error)
    sys.exit(1 if stats.errors or lost else 0)


if __name__ == "__main__":
    main()
