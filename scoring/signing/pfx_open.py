"""Opening a PKCS#12 in a short-lived process of its own, stopped when it takes longer than any real file.

`pfx.kdf_iterations` reads every derivation count the structure shows, but a key bag inside an encrypted
bag shows its count only once that bag is decrypted: a 2.4 KB file asking 60,000,000 rounds held a request
16 s. OpenSSL has no limit of its own, and a thread cannot be stopped, so the file is opened by
`python -I` running this module as a script (stdlib and cryptography only: no Django, no database
connection shared, safe under pytest and gunicorn alike), under a CPU limit, and killed at a wall-clock
budget. The key travels back over a pipe, in memory only; nothing is written to disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

# A real certificate opens in about 0.1 s here, most of it the child's start (Python and cryptography,
# 0.09 s); 1,000,000 rounds, the most `sign.MAX_KDF_ITERATIONS` lets a derivation ask, cost 0.13 s. 0.8 s
# leaves room for a busy machine and still answers the head within a second.
WALL_SECONDS = 0.8
# The kernel's own stop (whole seconds), should the parent die before it kills the child.
CPU_SECONDS = 1
_LENGTH = 4  # bytes of each length prefix on the pipe


class OpenFailed(Exception):
    """``reason``: 'too_slow', 'wrong_passphrase' or 'unreadable' (then the message says what)."""

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class Opened:
    key: bytes | None  # PKCS#8 DER, unencrypted: held in memory only
    certificate: bytes | None  # DER
    others: list[bytes]  # the chain's other certificates, DER


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(_LENGTH, "big") + data


def _frames(data: bytes) -> list[bytes]:
    found, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at : at + _LENGTH], "big")
        found.append(data[at + _LENGTH : at + _LENGTH + size])
        at += _LENGTH + size
    return found


def open_pkcs12(data: bytes, passphrase: bytes) -> Opened:
    """The key and certificates of `data`; OpenFailed when it is too slow to open, the passphrase is
    wrong, or cryptography cannot read it."""
    environment = {k: v for k, v in os.environ.items() if k in ("PATH", "LD_LIBRARY_PATH", "SYSTEMROOT")}
    child = subprocess.Popen(
        [sys.executable, "-I", os.path.abspath(__file__)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    try:
        out, _ = child.communicate(_frame(passphrase) + data, timeout=WALL_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise OpenFailed("too_slow") from None
    status, body = out[:1], out[1:]
    if child.returncode != 0 or status not in (b"K", b"P", b"E"):  # killed at its CPU limit, or crashed
        raise OpenFailed("too_slow" if child.returncode < 0 else "unreadable")
    if status == b"P":
        raise OpenFailed("wrong_passphrase")
    if status == b"E":
        raise OpenFailed("unreadable", body.decode(errors="replace"))
    key, certificate, *others = _frames(body)
    return Opened(key=key or None, certificate=certificate or None, others=others)


def _child() -> None:
    import resource

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    received = sys.stdin.buffer.read()
    size = int.from_bytes(received[:_LENGTH], "big")
    passphrase, data = received[_LENGTH : _LENGTH + size], received[_LENGTH + size :]
    out = sys.stdout.buffer
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:  # cryptography's one answer to a wrong passphrase and to a malformed file
        out.write(b"P")
        return
    except Exception as exc:  # e.g. UnsupportedAlgorithm for exotic legacy ciphers
        out.write(b"E" + str(exc).encode())
        return
    der = serialization.Encoding.DER
    key_der = (
        key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        if key
        else b""
    )
    parts = [key_der, cert.public_bytes(der) if cert else b""] + [c.public_bytes(der) for c in extra or ()]
    out.write(b"K" + b"".join(_frame(p) for p in parts))


if __name__ == "__main__":
    _child()
