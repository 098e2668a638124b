"""The lock files the set-up installs from agree with pyproject.toml: every dependency pinned to a release
its range admits, every pin with hashes."""

import json
import re
import tomllib
from pathlib import Path

import pytest
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
