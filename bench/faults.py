"""The faults `./manage_all.sh chaos` injects, each as an operator (or bad luck) would cause it.

Each fault is a function that starts the fault and returns when it is over (a restart has been
issued, a pause has ended); the system is then left to heal by itself: nothing here repairs
anything. They act on the real servers of this machine, so only one chaos run at a time.
"""

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.cpu import SUPERVISOR_ENV, program_pids
from bench.orders import SUPERVISORCTL
from tests.support import MANIFEST

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str, timeout: float = 120) -> None:
    env = {**SUPERVISOR_ENV, **os.environ}
    subprocess.run(command, check=True, timeout=timeout, capture_output=True, env=env)  # noqa: S603


def _infra(function: str) -> None:
    """Run one of deploy/lib/infra.sh's functions (how `up` starts the servers)."""
    script = f'. "{ROOT}/deploy/lib/common.sh" && . "{ROOT}/deploy/lib/infra.sh" && {function}'
    _run("bash", "-c", script, timeout=180)


def supervised_pids() -> dict[str, int]:
    """pid of every running supervised process, by its own name (an instance: orders-api-1)."""
    return {name.split(":")[-1]: pid for name, pid in program_pids(SUPERVISORCTL).items()}


def _kill_groups(names: list[str]) -> None:
    """SIGKILL each named process and everything it started (a gunicorn master and its workers):
    supervisor starts every process as the leader of its own process group. A process still
    starting (after an earlier kill) is waited for: a kill is meant to hit a running one."""
    deadline = time.monotonic() + 30
    while True:
        pids = supervised_pids()
        missing = [name for name in names if name not in pids]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if missing:
        raise RuntimeError(f"not running, cannot be killed: {missing}")
    for name in names:
        os.killpg(pids[name], signal.SIGKILL)


def _pids_of(executable: str) -> list[int]:
    pgrep = ["pgrep", "-x", executable]
    out = subprocess.run(pgrep, capture_output=True, text=True, check=False).stdout  # noqa: S603
    return [int(pid) for pid in out.split()]


def _stopped_for(executable: str, seconds: float) -> None:
    """Freeze a server (SIGSTOP) for a while: it holds its connections and answers nothing, as
    if the network to it had gone dark."""
    pids = _pids_of(executable)
    if not pids:
        raise RuntimeError(f"{executable} is not running")
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def broker_restart() -> None:
    _run("rabbitmqctl", "-q", "stop_app")
    time.sleep(5)
    _run("rabbitmqctl", "-q", "start_app")


def broker_unreachable(seconds: float = 60) -> None:
    _stopped_for("beam.smp", seconds)


def _consumers() -> list[str]:
    return [service["name"] for service in MANIFEST.load()["service"] if service["consumes"]]


def _producers() -> list[str]:
    return [service["name"] for service in MANIFEST.load()["service"] if service["relay"]]


def workers_killed() -> None:
    _kill_groups([f"{name}-worker" for name in _consumers()])


def _freeze(names: list[str]) -> None:
    """SIGSTOP: the pid stays, supervisor sees RUNNING, and nothing moves. Left frozen: only the
    watchdog's judgement of progress can bring it back."""
    pids = supervised_pids()
    for name in names:
        os.kill(pids[name], signal.SIGSTOP)


def worker_stalled() -> None:
    # The saga's first step after an order: every order waits on this one.
    _freeze(["inventory-worker"])


def relays_stalled() -> None:
    # The relays the order stream goes through (an idle relay with nothing to publish is not
    # stalled: the watchdog judges it when it has work).
    _freeze(["orders-relay", "inventory-relay"])


def relays_killed() -> None:
    # A relay publishes a batch, then marks it sent: under a stream of orders, a kill at any
    # moment is likely to fall between the two (the inboxes then drop the copies).
    for _ in range(3):
        _kill_groups([f"{name}-relay" for name in _producers()])
        time.sleep(2)


def postgres_cluster(action: str) -> None:
    """pg_ctlcluster ACTION on the newest PostgreSQL cluster of the machine (as `up` starts it)."""
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]
    _run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action)


def postgres_restart() -> None:
    postgres_cluster("restart")


def redis_restart() -> None:
    _run("redis-cli", "-h", "127.0.0.1", "shutdown", "nosave")
    time.sleep(1)
    _infra("start_redis")


def redis_stalled(seconds: float = 10) -> None:
    _stopped_for("redis-server", seconds)


def api_instances_killed() -> None:
    """The first instance of every API pool, all at once."""
    _kill_groups([f"{name}-1" for service in MANIFEST.load()["service"] for name, _ in MANIFEST.pools(service)])


def gateway_reloaded() -> None:
    for _ in range(5):
        subprocess.run(  # noqa: S603
            [*SUPERVISORCTL, "signal", "HUP", "gateway"],
            check=True,
            capture_output=True,
            env={**SUPERVISOR_ENV, **os.environ},
        )
        time.sleep(1)


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[], None]
    what: str
    # How long after the fault ends every order must be terminal (the rule).
    heal_within: float = 30.0


FAULTS = {
    fault.name: fault
    for fault in (
        Fault("broker-restart", broker_restart, "rabbitmqctl stop_app; 5 s; start_app", heal_within=15.0),
        Fault("broker-unreachable", broker_unreachable, "RabbitMQ frozen (SIGSTOP) for 60 s", heal_within=15.0),
        Fault("workers-killed", workers_killed, "SIGKILL of every event worker"),
        Fault("worker-stalled", worker_stalled, "inventory's event worker frozen (SIGSTOP): alive, not moving"),
        Fault("relays-killed", relays_killed, "SIGKILL of every outbox relay, three times, 2 s apart"),
        Fault("relays-stalled", relays_stalled, "orders' and inventory's relays frozen (SIGSTOP): alive, not moving"),
        Fault("postgres-restart", postgres_restart, "pg_ctlcluster restart (fast: connections cut)"),
        Fault("redis-restart", redis_restart, "redis shutdown nosave, then started again"),
        Fault("redis-stalled", redis_stalled, "Redis frozen (SIGSTOP) for 10 s"),
        Fault("api-instance-killed", api_instances_killed, "SIGKILL of one instance of every API pool"),
        Fault("gateway-reload", gateway_reloaded, "nginx reloaded five times, 1 s apart"),
    )
}
