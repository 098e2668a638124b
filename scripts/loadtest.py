"""Load test of docs/benchmarks.md: paced editors and reviewers against gunicorn on PostgreSQL, on loopback.

    bash scripts/loadtest.sh                          capacity search (LOADTEST_STEPS editors, in turn)
    LOADTEST_MODE=saturation bash scripts/loadtest.sh LOADTEST_STAFF clients looping without pause

A bounded asyncio client (httpx, scripts/loadtest_clients.py) that stops by itself. It makes a scratch
database (LOADTEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/vpub_loadtest — dropped and
created anew; scripts/loadtest_setup.py), starts gunicorn with vpub/gunicorn.conf.py on 127.0.0.1, runs,
stops gunicorn, and prints per kind of request its count, p50 and p95, the errors and the lost updates (an
editor whose sheet does not end equal to the last save the server confirmed to it).

Capacity search: each step runs that many paced editors (and a reviewer per bloc of 20) for
LOADTEST_SECONDS; the first LOADTEST_RAMP seconds, while people arrive and open their sheets, are not
timed. A step passes with p95 ≤ 250 ms for saves, ≤ 500 ms for page loads, no error and no lost update;
the search stops at the first step that fails and reports the largest that passed.
"""

import asyncio
import logging
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import loadtest_clients as clients  # noqa: E402
import loadtest_setup as setup  # noqa: E402

DB_URL = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vpub_loadtest")
HOST, PORT = "127.0.0.1", int(os.environ.get("LOADTEST_PORT", "8765"))
BASE = f"http://{HOST}:{PORT}"
MODE = os.environ.get("LOADTEST_MODE", "capacity")
STEPS = [int(n) for n in os.environ.get("LOADTEST_STEPS", "50,100,200,300,400,500").split(",")]
STAFF = int(os.environ.get("LOADTEST_STAFF", "50"))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "75"))
RAMP = float(os.environ.get("LOADTEST_RAMP", "25"))
LIMITS = {"save": 0.250, "page": 0.500}  # p95 a step must keep
COOKIE = "sessionid"  # DEBUG=1 below: the production name is __Host-sessionid


def environment() -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DEBUG": "1",
        "DEMO_LOGIN_ENABLED": "0",
        "DJANGO_SETTINGS_MODULE": "vpub.settings",
        "MEDIA_ROOT": "/tmp/vpub-loadtest-media",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        "GUNICORN_LOGLEVEL": "warning",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_server() -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    config = ROOT / "vpub/gunicorn.conf.py"
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(config)], cwd=ROOT, env=environment(), start_new_session=True
    )
    for _ in range(100):
        try:
            if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


async def run_step(people: dict, editors: int, pacing: clients.Pacing, ramp: float) -> dict:
    """`editors` editors and their blocs' reviewers for SECONDS; what they measured."""
    started = time.monotonic()
    stats = clients.Stats(measure_from=started + ramp)
    deadline = started + SECONDS
    chosen = [clients.Editor(p, stats, pacing) for p in people["editors"][:editors]]
    reviewers = people["reviewers"][: math.ceil(editors / setup.BLOC_SIZE)]
    if pacing is clients.SATURATION:
        reviewers = reviewers[:1]
    tasks = [e.run(BASE, COOKIE, deadline, ramp) for e in chosen]
    tasks += [clients.reviewer(r, stats, pacing, BASE, COOKIE, deadline, ramp) for r in reviewers]
    results = await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    return {
        "editors": editors,
        "reviewers": len(reviewers),
        "stats": stats,
        "elapsed": elapsed,
        "timed": min(elapsed, SECONDS) - ramp,
        "exports": sum(r for r in results if r),
        "uploads": sum(e.uploads for e in chosen),
        "chosen": chosen,
    }


def step(people: dict, editors: int, pacing: clients.Pacing, ramp: float) -> dict:
    result = asyncio.run(run_step(people, editors, pacing, ramp))
    result["lost"] = lost_updates(result["chosen"])
    return result


def lost_updates(editors: list) -> int:
    """Editors whose sheet in the database differs from what the server confirmed to them."""
    lost = 0
    for editor in editors:
        stored = setup.stored_points(editor.person["sheet"], list(editor.confirmed))
        lost += any(stored[name] != value for name, value in editor.confirmed.items())
    return lost


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def report(result: dict, limits: dict = LIMITS) -> bool:
    """Print a step's figures; whether it keeps the limits (none for the saturation run)."""
    stats, timed = result["stats"], result["timed"]
    total = sum(len(v) for v in stats.latencies.values())
    print(
        f"\n{result['editors']} người nhập liệu, {result['reviewers']} người chấm: {timed:.0f} s đo"
        f" ({result['elapsed']:.0f} s tất cả), {total} yêu cầu ({total / timed:.1f}/s)"
    )
    ok = not stats.errors and not result["lost"]
    for kind in ("save", "page", "upload", "export"):
        values = stats.latencies.get(kind, [])
        if not values:
            continue
        p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        limit = limits.get(kind)
        within = limit is None or p95 <= limit * 1000
        ok = ok and within
        mark = "" if limit is None else (" ✓" if within else f" ✗ (> {limit * 1000:.0f} ms)")
        print(f"  {kind:7} {len(values):6}  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms{mark}")
    print(f"  tải tệp lên: {result['uploads']}   xuất bảng tổng hợp: {result['exports']}")
    print(f"  lỗi: {len(stats.errors)}   mất cập nhật: {result['lost']}   → {'ĐẠT' if ok else 'KHÔNG ĐẠT'}")
    for error in stats.errors[:5]:
        print("    ", error)
    return ok


def capacity(people: dict) -> int:
    best = 0
    for editors in STEPS:
        if not report(step(people, editors, clients.Pacing(), RAMP)):
            break
        best = editors
    print(f"\nSức chịu tải: {best} người nhập liệu theo nhịp thật (p95 lưu ≤ 250 ms, tải trang ≤ 500 ms)")
    return best


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ.update(environment())
    people = setup.prepare(DB_URL, max(STEPS) if MODE == "capacity" else STAFF)
    server = start_server()
    print(f"gunicorn -c vpub/gunicorn.conf.py ({os.cpu_count()} lõi), PostgreSQL, {BASE}")
    try:
        if MODE == "saturation":
            ok = report(step(people, STAFF, clients.SATURATION, 0), limits={})
        else:
            ok = capacity(people) > 0
    finally:
        stop_server(server)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
