"""Several gunicorn servers on one machine, each started as docs/operations.md starts it
(vpub/gunicorn.conf.py): two app servers, a load test, a probe. None takes over another's control socket."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the app server's set-up is one for both databases: checked once",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_servers(home: Path, count: int, **extra: str):
    """`count` gunicorn servers with the project's configuration, each on a port of its own, all sharing one
    HOME (one user on one machine); yields their base URLs once each answers /healthz."""
    environment = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"} | {
        "HOME": str(home),
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_LOGLEVEL": "warning",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers, urls = [], []
    try:
        for n in range(count):
            port = free_port()
            env = environment | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
            env |= {key: value.format(n=n) for key, value in extra.items()}
            command = [gunicorn, "-c", str(ROOT / "vpub/gunicorn.conf.py")]
            servers.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))
            urls.append(f"http://127.0.0.1:{port}")
        for server, url in zip(servers, urls, strict=True):
            wait_for(server, url)
        yield urls
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)


def wait_for(server: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn at {url} stopped with {server.returncode}"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn at {url} did not answer in 30 s")


def sockets_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_socket()]


def test_two_app_servers_of_one_user_open_no_shared_control_socket(tmp_path):
    with app_servers(tmp_path, 2) as urls:
        assert [httpx.get(f"{url}/healthz").text for url in urls] == ["ok\n", "ok\n"]
        assert sockets_under(tmp_path) == []


def test_a_control_socket_asked_for_is_the_instances_own(tmp_path):
    with app_servers(tmp_path, 2, GUNICORN_CONTROL_SOCKET=str(tmp_path / "app-{n}.ctl")) as urls:
        assert len(urls) == 2
        assert sorted(path.name for path in sockets_under(tmp_path)) == ["app-0.ctl", "app-1.ctl"]
