"""Every fault of `./manage_all.sh chaos`, under a steady stream of orders through the gateway
(20 orders/s, one Idempotency-Key each, the fault at 4 s of a 15 s stream), each asserting the
rules: every order accepted (clients retry what they could not see, with the same key), no
500, 502, 504 or hang (a few seconds at most, 503s with Retry-After), every order terminal
soon after the fault ends, none lost or stored twice, and the stock balances. Nothing is
repaired by hand: what was killed or frozen is brought back by supervisor or the watchdog.
"""

import re

import pytest

from bench.chaos import run_fault
from bench.faults import FAULTS, supervised_pids
from tests.support import MANIFEST, eventually

RATE, SECONDS, FAULT_AT = 20, 15, 4
CONSUMERS = [s["name"] for s in MANIFEST.load()["service"] if s["consumes"]]
PRODUCERS = [s["name"] for s in MANIFEST.load()["service"] if s["relay"]]
PROGRAMS = set(re.findall(r"^\[program:(.+)\]$", MANIFEST.supervisord(), flags=re.MULTILINE))
FIRST_INSTANCES = [f"{name}-1" for s in MANIFEST.load()["service"] for name, _ in MANIFEST.pools(s)]

# The processes each fault must have replaced: proof that it struck, and that what it struck
# came back by itself (supervisor after a kill, the watchdog after a freeze).
REPLACED = {
    "workers-killed": {f"{name}-worker" for name in CONSUMERS},
    "worker-stalled": {"inventory-worker"},
    "relays-killed": {f"{name}-relay" for name in PRODUCERS},
    "relays-stalled": {"orders-relay", "inventory-relay"},
    "api-instance-killed": set(FIRST_INSTANCES),
}


def _all_running() -> dict[str, int]:
    return eventually(lambda: (pids := supervised_pids()).keys() == PROGRAMS and pids, timeout=30, interval=0.5)


@pytest.mark.parametrize("name", list(FAULTS))
def test_the_order_stream_survives_and_the_system_heals_by_itself(name):
    before = _all_running()
    report = run_fault(FAULTS[name], rate=RATE, seconds=SECONDS, fault_at=FAULT_AT)
    after = _all_running()  # every process running again (one restarted late may still be starting)
    assert report.sent == RATE * SECONDS
    assert report.problems == [], report
    assert report.accepted == report.sent and report.lost == report.duplicated == 0
    replaced = {process for process, pid in before.items() if after.get(process) not in (None, pid)}
    assert REPLACED.get(name, set()) <= replaced, f"expected {REPLACED.get(name)} replaced, saw {replaced}"
