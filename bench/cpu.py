"""CPU time of every process on the machine that serves the shop, by process group, read from
/proc before and after a measured interval.

A group is a supervisor program (its process and all its descendants), or one of the servers
(PostgreSQL, RabbitMQ, Redis), or supervisord itself. A process's utime+stime plus the
cutime+cstime of the children it has reaped counts every process once, so the CPU of a
process that ended during the interval (a gunicorn worker recycled, a PostgreSQL backend
closed) is not lost: it has moved into its parent's cutime.
"""

import os
import subprocess
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVERS = {
    "postgresql": ("postgres",),
    "rabbitmq": ("beam.smp", "epmd", "erl_child_setup", "inet_gethost"),
    "redis": ("redis-server",),
}


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # name, ppid, utime + stime + cutime + cstime
    return name, int(fields[1]), sum(int(f) for f in fields[11:15])


def _processes() -> dict[int, tuple[str, int, int]]:
    stats = {int(p): proc_stat(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    return {pid: s for pid, s in stats.items() if s}


ROOT = Path(__file__).resolve().parent.parent
# The rendered supervisor configuration names its paths through these (manage_all.sh exports them).
SUPERVISOR_ENV = {"SHOP_ROOT": str(ROOT), "SHOP_VAR": str(ROOT / "var"), "SHOP_VENV": str(ROOT / ".venv")}


def program_pids(supervisorctl: list[str]) -> dict[str, int]:
    """pid of every running supervised process, by supervisor's name (orders-api:orders-api-1)."""
    env = {**SUPERVISOR_ENV, **os.environ}
    out = subprocess.run([*supervisorctl, "status"], capture_output=True, text=True, check=False, env=env).stdout  # noqa: S603
    pids = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[1] == "RUNNING" and parts[2] == "pid":
            pids[parts[0]] = int(parts[3].rstrip(","))
    return pids


def _tree(root: int, processes: dict) -> set[int]:
    members, grew = {root}, True
    while grew:
        children = {pid for pid, (_, ppid, _) in processes.items() if ppid in members} - members
        members |= children
        grew = bool(children)
    return members


def snapshot(supervisorctl: list[str]) -> dict[str, float]:
    """CPU seconds used so far by each group."""
    processes = _processes()
    groups: dict[str, set[int]] = {}
    for program, pid in program_pids(supervisorctl).items():
        # The instances of a pool ("orders-api:orders-api-1", ...) count as the pool.
        groups.setdefault(program.split(":")[0], set()).update(_tree(pid, processes) & processes.keys())
    supervisord = {pid for pid, (name, _, _) in processes.items() if name.startswith("supervisord")}
    groups["supervisord"] = supervisord
    for group, names in SERVERS.items():
        groups[group] = {pid for pid, (name, _, _) in processes.items() if name in names}
    return {group: sum(processes[pid][2] for pid in pids) / CLOCK_TICKS for group, pids in groups.items()}


def used_between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each group used between two snapshots (a group restarted in between counts
    from zero)."""
    return {group: max(0.0, after[group] - before.get(group, 0.0)) for group in after}
