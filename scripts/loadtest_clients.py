"""The load test's people: editors who behave like the scoring page (sheet.js) and reviewers.

An editor opens the sheet, types one to three numbers, and the page autosaves them the way sheet.js does:
the whole form, `base` (the JSON of the values the page started from or the server last confirmed),
`autosave=1`, X-Requested-With, a JSON answer. Now and then the editor reloads the page or enters a
document with a small PDF in the agency's register. Reviewers open their bloc's board and review pages and
now and then export the bloc's tables as the board does: ask for the job, poll its status the way
export-jobs.js does until the worker has built the file, download it.
"""

import asyncio
import html
import itertools
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

import httpx

TAG = re.compile(r"<input\b([^>]*)>|<select\b([^>]*)>(.*?)</select>", re.S)
TEXTAREA = re.compile(r"<textarea\b([^>]*)>\n?(.*?)</textarea>", re.S)
ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
OPTION = re.compile(r"<option\b([^>]*)>")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JOB = re.compile(r'data-export-job="([^"]*/tep-xuat/(\d+)/)"')
JOB_POLL = 2.0  # seconds between status requests, as static/js/export-jobs.js
JOB_WAIT = float(os.environ.get("LOADTEST_EXPORT_WAIT", "120"))  # a job not ready by then is an error
META = {"csrfmiddlewaretoken", "version", "base", "autosave", "save", "action"}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
NUMBERS = itertools.count(1)  # document numbers, unique across the steps of a run (an agency's numbers are)
AJAX = {
    "X-Requested-With": "XMLHttpRequest",
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded",
}


@dataclass
class Pacing:
    """Seconds between an editor's bursts of typing, the page's 2-s autosave delay, how often a burst
    ends with a reload or an upload, and a reviewer's pause and share of exports."""

    think: tuple[float, float] = tuple(float(s) for s in os.environ.get("LOADTEST_THINK", "4,16").split(","))
    delay: float = 2.0
    reload: float = 0.1
    upload: float = 0.03
    review_think: tuple[float, float] = (5.0, 15.0)
    export: float = 0.1


SATURATION = Pacing(think=(0, 0), delay=0, reload=1.0, upload=0, review_think=(0, 0), export=1.0)


@dataclass
class Stats:
    measure_from: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float) -> None:
        """A duration that is not one request's (asking for an export until its file is ready)."""
        if started >= self.measure_from:
            self.latencies.setdefault(kind, []).append(time.monotonic() - started)

    async def call(self, client, kind: str, method: str, url: str, expect: int, **kwargs):
        started = time.monotonic()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.errors.append(f"{kind} {url}: {exc!r}")
            return None
        if started >= self.measure_from:
            self.latencies.setdefault(kind, []).append(time.monotonic() - started)
        if response.status_code != expect:
            self.errors.append(f"{kind} {url}: {response.status_code}")
            return None
        return response


async def pause(seconds: float, deadline: float) -> None:
    """Sleep, but not past the end of the run."""
    await asyncio.sleep(max(0.0, min(seconds, deadline - time.monotonic())))


def attributes(text: str) -> dict:
    return {name: html.unescape(value or "") for name, value in ATTR.findall(text)}


def form_state(page: str) -> dict:
    """The sheet form's values as the browser holds them, which boxes are check boxes, and its base."""
    start = page.index('id="sheet-form"')
    form = page[start : page.index("</form>", start)]
    values, checkable = {}, set()
    for attrs, select, options in TAG.findall(form):
        a = attributes(attrs or select)
        name = a.get("name")
        if not name or name in META:
            continue
        if select:
            chosen = [attributes(o) for o in OPTION.findall(options)]
            values[name] = next((o.get("value", "") for o in chosen if "selected" in o), "")
        elif a.get("type") in ("checkbox", "radio"):
            checkable.add(name)
            on = a.get("value", "on") if "checked" in a else None
            if name.startswith("d-"):
                values.setdefault(name, []).extend([on] if on else [])
            elif on or name not in values:
                values[name] = on or ""
        else:
            values[name] = a.get("value", "")
    for attrs, text in TEXTAREA.findall(form):
        values[attributes(attrs)["name"]] = html.unescape(text)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    base = json.loads(html.unescape(re.search(r'name="base" value="([^"]*)"', form).group(1)) or "{}")
    return {"values": values, "checkable": checkable, "base": base, "version": version}


def payload(state: dict, token: str) -> list[tuple[str, str]]:
    """What sheet.js's payload() posts: every box, the bases, autosave=1."""
    data = [("csrfmiddlewaretoken", token), ("version", state["version"])]
    for name, value in state["values"].items():
        if isinstance(value, list):
            data += [(name, v) for v in value]
        elif value != "" or name not in state["checkable"]:
            data.append((name, value))
    data.append(("base", json.dumps(state["base"], ensure_ascii=False, separators=(",", ":"))))
    data.append(("autosave", "1"))
    return data


def typed(maximum: str) -> str:
    """A number of points as people type it: halves, with a decimal comma."""
    return str(Decimal(random.randint(0, int(Decimal(maximum) * 2))) / 2).replace(".", ",")


class Editor:
    def __init__(self, person: dict, stats: Stats, pacing: Pacing):
        self.person, self.stats, self.pacing = person, stats, pacing
        self.url = f"/bang-cham-diem/{person['sheet']}/cham-diem/"
        self.state, self.token, self.uploads = None, "", 0
        self.confirmed: dict[str, Decimal] = {}  # what the server said it saved, box by box
        # what saves the client gave up waiting for carried (a timeout): the server may still have saved it
        self.unanswered: dict[str, set[Decimal]] = {}

    async def open(self, client) -> bool:
        page = await self.stats.call(client, "page", "GET", self.url, 200)
        if page is None:
            return False
        self.state, self.token = form_state(page.text), CSRF.search(page.text).group(1)
        return True

    async def autosave(self, client) -> None:
        values = self.state["values"]
        for name, maximum in random.sample(self.person["fields"], random.randint(1, 3)):
            values[name] = typed(maximum)
        sent = dict(values)
        response = await self.stats.call(
            client,
            "save",
            "POST",
            self.url,
            200,
            content=urlencode(payload(self.state, self.token)),
            headers={**AJAX, "X-CSRFToken": self.token},
        )
        body = response.json() if response is not None else {}
        if response is None or body.get("status") != "saved" or body.get("conflicts"):
            if response is not None:
                self.stats.errors.append(f"save {self.url}: {str(body)[:200]}")
            else:
                for name, _ in self.person["fields"]:
                    if sent.get(name):
                        self.unanswered.setdefault(name, set()).add(Decimal(sent[name].replace(",", ".")))
            return
        self.state["version"] = str(body["version"])
        self.state["base"] = {**sent, **body.get("fresh", {})}
        values.update(body.get("fresh", {}))
        for name, _ in self.person["fields"]:
            if sent.get(name):
                self.confirmed[name] = Decimal(sent[name].replace(",", "."))

    async def upload(self, client) -> None:
        url = f"/don-vi/{self.person['code']}/tai-lieu/them/"
        page = await self.stats.call(client, "page", "GET", url, 200)
        if page is None:
            return
        self.uploads += 1
        fields = {
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "kind": "KH",
            "number": f"{next(NUMBERS)}/KH-{self.person['code']}",
            "issued_on": f"{random.randint(1, 28)}/3/2022",
            "issuer": "UBND tỉnh",
            "subject": "Kế hoạch thực hiện nhiệm vụ năm 2022",
        }
        files = {"upload": ("ke-hoach.pdf", PDF, "application/pdf")}
        await self.stats.call(client, "upload", "POST", url, 302, data=fields, files=files)

    async def run(self, base_url: str, cookie: str, deadline: float, start_within: float) -> None:
        await asyncio.sleep(random.uniform(0, start_within))
        cookies = {cookie: self.person["session"]}
        async with httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=30) as client:
            opened = await self.open(client)
            while time.monotonic() < deadline:
                await pause(random.uniform(*self.pacing.think) + self.pacing.delay, deadline)
                if time.monotonic() >= deadline:
                    break
                if not opened:
                    opened = await self.open(client)
                    continue
                await self.autosave(client)
                chance = random.random()
                if chance < self.pacing.reload:
                    opened = await self.open(client)
                elif chance < self.pacing.reload + self.pacing.upload:
                    await self.upload(client)


async def export(client, stats: Stats, board: str, deadline: float) -> bool:
    """The board's “Tạo bảng tổng hợp (Excel)”: the POST, the board it redirects to, the job's status every
    JOB_POLL seconds until the worker has finished, then “Tải tệp”. Bounded: it stops polling after
    JOB_WAIT seconds (an error) or at the end of the run (not one: the step ended, not the job)."""
    page = await stats.call(client, "page", "GET", board, 200)
    if page is None:
        return False
    asked = time.monotonic()
    token = CSRF.search(page.text).group(1)
    data = {"csrfmiddlewaretoken": token}
    if await stats.call(client, "start", "POST", f"{board}tep-xuat/tao.xlsx", 302, data=data) is None:
        return False
    page = await stats.call(client, "page", "GET", board, 200)
    if page is None:
        return False
    url = max(JOB.findall(page.text), key=lambda job: int(job[1]))[0]  # one reviewer per bloc: the newest
    give_up = min(deadline, asked + JOB_WAIT)
    while True:
        await pause(JOB_POLL, give_up)
        answer = await stats.call(client, "status", "GET", url, 200)
        if answer is None:
            return False
        state = answer.json()
        if state["finished"]:
            break
        if time.monotonic() >= give_up:
            if give_up < deadline:
                stats.errors.append(f"export {url}: not ready after {JOB_WAIT:.0f} s")
            return False
    if state["status"] != "done":
        stats.errors.append(f"export {url}: {state['error'][:200]}")
        return False
    stats.record("ready", asked)
    got = await stats.call(client, "download", "GET", state["download"], 200)
    return got is not None and got.content[:2] == b"PK"


async def reviewer(person, stats, pacing, base_url, cookie, deadline, start_within) -> int:
    await asyncio.sleep(random.uniform(0, start_within))
    exports, board = 0, f"/khoi/{person['bloc']}/2022/"
    async with httpx.AsyncClient(
        base_url=base_url, cookies={cookie: person["session"]}, timeout=60
    ) as client:
        while time.monotonic() < deadline:
            chance = random.random()
            if chance < pacing.export:
                exports += await export(client, stats, board, deadline)
            elif chance < pacing.export + (1 - pacing.export) / 3:
                await stats.call(client, "page", "GET", board, 200)
            else:
                url = f"/bang-cham-diem/{random.choice(person['sheets'])}/tham-dinh/"
                await stats.call(client, "page", "GET", url, 200)
            await pause(random.uniform(*pacing.review_think), deadline)
    return exports
