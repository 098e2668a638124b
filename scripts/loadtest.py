"""Load test of docs/benchmarks.md: paced editors and reviewers against gunicorn on PostgreSQL, on loopback.

    bash scripts/loadtest.sh                          capacity search (LOADTEST_STEPS editors, in turn)
    LOADTEST_MODE=saturation bash scripts/loadtest.sh LOADTEST_STAFF clients looping without pause
    LOADTEST_WORKERS=3,5 LOADTEST_ROUNDS=2 …          the same for each gunicorn worker count, in turns

A bounded asyncio client (httpx, scripts/loadtest_clients.py) that stops by itself. It makes a scratch
database (LOADTEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/vpub_loadtest — dropped and
created anew; scripts/loadtest_setup.py), starts the job worker (`manage.py db_worker`, which builds the
bloc's tables the reviewers ask for) and gunicorn with vpub/gunicorn.conf.py on 127.0.0.1, runs, stops
them, and prints per kind of request its count, p50 and p95, the errors and the lost updates (an editor
whose sheet does not end equal to the last save the server confirmed to it, nor to a save it timed out on).

Comparing settings: LOADTEST_WORKERS lists gunicorn worker counts (GUNICORN_WORKERS); each round runs the
capacity search (or the saturation run) once per count, on a fresh gunicorn, in the order given and then
reversed (3, 5, 5, 3, …) so that a machine growing busier or quieter weighs on both alike; a summary of
every run ends the output. After each step the job queue is left to drain, so no export of one step is
still being built in the next.

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
WORKERS = [n for n in os.environ.get("LOADTEST_WORKERS", "").split(",") if n]  # empty: the config's default
ROUNDS = int(os.environ.get("LOADTEST_ROUNDS", "1"))
MEDIA = os.environ.get("LOADTEST_MEDIA_ROOT", "/tmp/vpub-loadtest-media")
LIMITS = {"save": 0.250, "page": 0.500}  # p95 a step must keep
KINDS = ("save", "page", "upload", "start", "status", "ready", "download")
COOKIE = "sessionid"  # DEBUG=1 below: the production name is __Host-sessionid


def environment() -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DEBUG": "1",
        "DEMO_LOGIN_ENABLED": "0",
        "DJANGO_SETTINGS_MODULE": "vpub.settings",
        "MEDIA_ROOT": MEDIA,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        "GUNICORN_LOGLEVEL": "warning",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_server(workers: str | None) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    config = ROOT / "vpub/gunicorn.conf.py"
    env = environment() | ({"GUNICORN_WORKERS": workers} if workers else {})
    server = subprocess.Popen([str(gunicorn), "-c", str(config)], cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def start_worker() -> subprocess.Popen:
    """The job worker as docs/operations.md runs it; its failures reach the reviewers as failed jobs."""
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "2"]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment(), start_new_session=True, stdout=subprocess.DEVNULL
    )


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def drain() -> None:
    """Wait (at most LOADTEST_EXPORT_WAIT) until the worker has finished every export asked for."""
    from scoring.models import ExportJob

    until = time.monotonic() + clients.JOB_WAIT
    unfinished = ExportJob.objects.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
    while unfinished.exists() and time.monotonic() < until:
        time.sleep(0.5)


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
    drain()
    return result


def lost_updates(editors: list) -> int:
    """Editors whose sheet in the database differs from what the server confirmed to them (a save the
    client stopped waiting for, already counted as an error, may have been saved after all)."""
    lost = 0
    for editor in editors:
        stored = setup.stored_points(editor.person["sheet"], list(editor.confirmed))
        lost += any(
            stored[name] != value and stored[name] not in editor.unanswered.get(name, ())
            for name, value in editor.confirmed.items()
        )
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
    for kind in KINDS:
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


def capacity(people: dict, runs: list) -> int:
    best = 0
    for editors in STEPS:
        result = step(people, editors, clients.Pacing(), RAMP)
        ok = report(result)
        runs.append((result, ok))
        if not ok:
            break
        best = editors
    print(f"\nSức chịu tải: {best} người nhập liệu theo nhịp thật (p95 lưu ≤ 250 ms, tải trang ≤ 500 ms)")
    return best


def p50_p95(stats: clients.Stats, kind: str) -> str:
    values = stats.latencies.get(kind)
    if not values:
        return "–"
    return f"{statistics.median(values) * 1000:.0f} / {percentile(values, 0.95) * 1000:.0f}"


def summary(runs: list) -> None:
    """One line per run, as docs/benchmarks.md's tables have them (ms, p50 / p95)."""
    print(
        "\n| workers | round | editors | requests/s | save | page | export ready | exports | errors | lost | |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for workers, round_, result, ok in runs:
        stats = result["stats"]
        rate = sum(len(v) for v in stats.latencies.values()) / result["timed"]
        cells = [
            workers or "default",
            round_ + 1,
            result["editors"],
            f"{rate:.1f}",
            p50_p95(stats, "save"),
            p50_p95(stats, "page"),
            p50_p95(stats, "ready"),
            result["exports"],
            len(stats.errors),
            result["lost"],
            "pass" if ok else "fail",
        ]
        print("| " + " | ".join(str(c) for c in cells) + " |")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ.update(environment())
    people = setup.prepare(DB_URL, max(STEPS) if MODE == "capacity" else STAFF)
    worker = start_worker()
    runs, ok = [], True
    try:
        for round_ in range(ROUNDS):
            for workers in (WORKERS or [None])[:: -1 if round_ % 2 else 1]:
                server = start_server(workers)
                print(
                    f"\ngunicorn -c vpub/gunicorn.conf.py, {workers or 'default'} workers"
                    f" ({os.cpu_count()} lõi), PostgreSQL, {BASE}, round {round_ + 1}"
                )
                try:
                    done = []
                    if MODE == "saturation":
                        result = step(people, STAFF, clients.SATURATION, 0)
                        done.append((result, report(result, limits={})))
                        ok = ok and not result["stats"].errors and not result["lost"]
                    else:
                        ok = capacity(people, done) > 0 and ok
                    runs += [(workers, round_, result, passed) for result, passed in done]
                finally:
                    stop_server(server)
    finally:
        stop_server(worker)
    if len(runs) > 1:
        summary(runs)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
