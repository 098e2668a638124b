"""The lock files the set-up installs from agree with pyproject.toml: every dependency pinned to a release
its range admits, every pin with hashes; the locks are closed (everything a locked package needs, extras
included, is locked too), and a brand-new venv installs them as the set-up does, whatever upstream has
published since."""

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from django.db import connection
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) of every package the lock file pins."""
    found: dict[str, tuple[str, int]] = {}
    current = None
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            found[current] = (match[2], 0)
        elif current and "--hash=sha256:" in line:
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
        elif not line.startswith(" "):
            current = None
    return found


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(r) for r in requirements]


@pytest.mark.parametrize(("lock", "extra"), [("app", None), ("test", "test")])
def test_every_dependency_is_pinned_within_its_range_with_hashes(lock, extra):
    locked = pins(ROOT / "requirements" / f"{lock}.txt")
    for requirement in declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements/{lock}.txt: run bash scripts/lock.sh"
        version, hashes = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), f"{name}=={version} ∉ {requirement}"
        assert hashes, f"{name} has no hash"
    assert all(hashes for _, hashes in locked.values())


def test_the_build_backend_is_locked_too():
    """The set-up installs the project with --no-build-isolation, from the locked setuptools."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for lock in ("app", "test"):
        locked = pins(ROOT / "requirements" / f"{lock}.txt")
        for requirement in map(Requirement, build):
            assert requirement.specifier.contains(locked[canonicalize_name(requirement.name)][0])


def test_the_browser_tests_npm_lock_pins_what_package_json_names():
    """scripts/test.sh installs axe-core with `npm ci`, which refuses a lock that disagrees with
    package.json: the same exact versions, each with its integrity hash."""
    declared = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"][""]["devDependencies"] == declared
    for name, version in declared.items():
        assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version), f"{name} {version} is not an exact version"
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version and locked["integrity"].startswith("sha512-")
    assert declared["axe-core"].startswith("4.")


def declared_roots(extra: str | None) -> list[Requirement]:
    """What the set-up asks for: the project's dependencies (with the test extra), and its build backend."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    return declared(extra) + [Requirement(r) for r in build]


def applies(requirement: Requirement, extras: frozenset[str]) -> bool:
    """Whether a Requires-Dist line is needed here, on this Python and platform, for these extras."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})


def locked_versions(lock: str) -> dict[str, str]:
    return {name: version for name, (version, _) in pins(ROOT / "requirements" / f"{lock}.txt").items()}


def unmet(locked: dict[str, str], extra: str | None) -> list[str]:
    """Everything an install of the lock would need that the lock does not pin: each requirement, from the
    declared ones down through every locked package's own (read from its installed metadata, the version
    the lock pins) and the extras they ask for, must be met by a locked release."""
    problems: list[str] = []
    todo = [(requirement, "pyproject.toml") for requirement in declared_roots(extra)]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, wanted_by = todo.pop()
        name, extras = (
            canonicalize_name(requirement.name),
            frozenset(map(canonicalize_name, requirement.extras)),
        )
        if name not in locked:
            problems.append(f"{requirement} (for {wanted_by}) is not locked")
            continue
        if not requirement.specifier.contains(locked[name], prereleases=True):
            problems.append(f"{requirement} (for {wanted_by}) is not met by {name}=={locked[name]}")
        if (name, extras) in done:
            continue
        done.add((name, extras))
        dist = metadata.distribution(name)
        assert dist.version == locked[name], (
            f"{name} {dist.version} installed, {locked[name]} locked: rerun the set-up"
        )
        provided = {canonicalize_name(e) for e in dist.metadata.get_all("Provides-Extra") or []}
        problems += [f"{name} has no extra [{e}] (for {wanted_by})" for e in sorted(extras - provided)]
        for line in dist.requires or []:
            needed = Requirement(line)
            if applies(needed, extras):
                todo.append((needed, f"{name}=={locked[name]}"))
    return problems


def test_the_app_lock_pins_what_the_test_lock_pins():
    """The app the suite tests is the app a new machine installs: every release of requirements/app.txt is
    the one requirements/test.txt pins (which is what lets the closure below read app.txt's metadata from
    the test venv)."""
    app = pins(ROOT / "requirements" / "app.txt")
    test = pins(ROOT / "requirements" / "test.txt")
    assert {name: version for name, (version, _) in app.items() if test[name][0] != version} == {}


@pytest.mark.parametrize(("lock", "extra"), [("app", None), ("test", "test")])
def test_the_lock_is_closed_extras_included(lock, extra):
    assert unmet(locked_versions(lock), extra) == [], "run bash scripts/lock.sh"


def test_a_package_only_an_extra_needs_is_missed_if_unlocked():
    """The closure follows extras: without brotli, fonttools[woff] (which WeasyPrint asks for) is unmet."""
    locked = locked_versions("app")
    del locked["brotli"]
    problems = unmet(locked, None)
    assert any(p.startswith("brotli") and "fonttools" in p for p in problems), problems


def base_python() -> str:
    """The machine's own Python, the one that made this venv as a new user's `python3 -m venv` does."""
    return os.environ.get("PYTHON") or sys._base_executable


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the install is one for both databases: checked once"
)
def test_a_brand_new_venv_installs_the_app_lock_as_the_set_up_does(tmp_path):
    """A venv as `python3 -m venv` makes it, with the pip it bundles (not upgraded by hand), given the set-up's
    own install steps (scripts/_lib.sh) with --dry-run: pip must accept the lock, resolve nothing and want
    nothing the lock does not pin. This is what broke when fonttools 4.69.1 was published."""
    venv = tmp_path / "venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    report = tmp_path / "report.json"
    script = '. scripts/_lib.sh && lock_bootstrap "$1" && lock_install "$1" app --dry-run --report "$2"'
    done = subprocess.run(
        ["bash", "-c", script, "install", python, str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = [line for line in done.stderr.splitlines() if not line.startswith("WARNING: Location")]
    assert done.returncode == 0, "\n".join(said[-20:])
    installs = json.loads(report.read_text())["install"]
    wanted = {canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"] for i in installs}
    assert wanted == locked_versions("app")
