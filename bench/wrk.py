"""Running wrk (two threads, latency histogram) and reading what it printed."""

import re
import subprocess
from pathlib import Path

from servicekit.platform_manifest import load_manifest

_MANIFEST = load_manifest(Path(__file__).resolve().parent.parent)
# The load generator shares the machine's two cores with what it measures. It runs at the API
# pools' CPU priority ([api] nice in deploy/platform.toml), as it did when both ran at 0: at a
# higher one the scheduler favours the client over the servers it times (product detail read
# 10-15 % slower with the pools at 5 and wrk at 0, the same as before with both at 5).
CLIENT_NICE = _MANIFEST.api_nice(_MANIFEST.load())


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse(out: str) -> dict:
    """requests/s, p50/p99 (ms) and errors (non-2xx/3xx answers plus socket errors) of a wrk run."""
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)),
        "errors": errors,
    }


def run(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    env: dict | None = None,
    timeout: str = "10s",
) -> dict:
    """One closed-loop run against `url` (optionally driven by a Lua `script`), parsed."""
    args = [
        "nice",
        "-n",
        str(CLIENT_NICE),
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        timeout,
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True, env=env).stdout  # noqa: S603
    return parse(out)
