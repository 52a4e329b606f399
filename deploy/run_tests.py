"""Runs every test suite against the running system and sums them up.

Each service is its own Django project, so its tests run in their own pytest process (with
its own settings); then the cross-service suite in tests/ runs through the gateway.
A suite that collects no test fails the run: no silent green.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from manifest import service_names  # deploy/manifest.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "test-results"
# (name, directory, pytest targets): the services' own suites, then the cross-service suite
# through the gateway, the attacker's view (security), then the faults (last: they restart
# servers under a stream of orders).
SUITES = [
    *((name, ROOT / f"{name}_project", []) for name in service_names()),
    ("end-to-end", ROOT, ["tests", "--ignore=tests/faults", "--ignore=tests/security"]),
    ("security", ROOT, ["tests/security"]),
    ("faults", ROOT, ["tests/faults"]),
]
NO_TESTS_COLLECTED = 5


def run_suite(name: str, directory: Path, target: list[str], extra: list[str]) -> tuple[int, dict]:
    report = RESULTS / f"{name}.xml"
    report.unlink(missing_ok=True)
    print(f"\n===== {name} =====", flush=True)
    env = dict(os.environ)
    if directory != ROOT:  # a service's own suite: its spans go beside the reports, not into the system's
        env["TRACES_DIR"] = str(RESULTS / f"traces-{name}")
    code = subprocess.call(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "pytest", *target, f"--junitxml={report}", "-p", "no:cacheprovider", *extra],
        cwd=directory,
        env=env,
    )
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        suite = ET.parse(report).getroot()  # noqa: S314 (a report pytest just wrote)
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        for key in counts:
            counts[key] = int(suite.get(key, 0))
    return code, counts


def main(argv: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    only = {a.split("=", 1)[1] for a in argv if a.startswith("--suite=")}
    extra = [a for a in argv if not a.startswith("--suite=")]
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    failed_suites = []
    for name, directory, target in SUITES:
        if only and name not in only:
            continue
        code, counts = run_suite(name, directory, target, extra)
        for key in totals:
            totals[key] += counts[key]
        if code == NO_TESTS_COLLECTED:
            failed_suites.append(f"{name} (no tests collected)")
        elif code != 0:
            failed_suites.append(name)
    failed = totals["failures"] + totals["errors"]
    passed = totals["tests"] - failed - totals["skipped"]
    print()
    if failed_suites:
        print("failing suites: " + ", ".join(failed_suites))
    if totals["tests"] == 0:
        print("no test ran")
        return 1
    print(f"{passed} passed, {failed} failed, {totals['skipped']} skipped")
    return 1 if failed_suites or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
