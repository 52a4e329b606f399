"""At rest the machine is at rest: the servers under the shop are set up not to wake for
nothing (deploy/lib/provision.sh). What the whole system costs at rest is measured by the
benchmark (bench/idle.py); these check the settings that keep that cost low, on the real
Redis and RabbitMQ."""

import os
import subprocess
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent


def test_redis_does_its_housekeeping_once_a_second():
    admin = redis.Redis(host="127.0.0.1", port=6379, password=os.environ.get("REDIS_ADMIN_PASSWORD") or None)
    assert admin.config_get("hz") == {"hz": "1"}


def _broker_version_and_epmd_monitor() -> tuple[tuple[int, ...], str]:
    out = subprocess.run(
        ["rabbitmqctl", "-q", "eval", 'io:format("~s ~p~n", [rabbit_misc:version(), whereis(rabbit_epmd_monitor)]).'],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return tuple(int(part) for part in out[0].split(".")[:2]), out[1]


def test_set_up_stops_the_epmd_monitor_of_a_broker_that_would_start_an_erlang_vm_each_minute():
    # The step `up` runs, run here (a broker restarted by an earlier fault test has its monitor back).
    step = "set -euo pipefail; . deploy/lib/common.sh; . deploy/lib/provision.sh; quiet_rabbitmq_epmd_monitor"
    subprocess.run(  # noqa: S603 (our own set-up step)
        ["bash", "-c", step],  # noqa: S607
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    version, monitor = _broker_version_and_epmd_monitor()
    if version < (3, 12):
        assert monitor == "undefined"
    else:  # it checks whether epmd runs before starting anything: kept
        assert monitor.startswith("<")
