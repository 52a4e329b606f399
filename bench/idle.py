"""What the system costs at rest: CPU over a quiet interval, and memory, summed over the shop's
processes (supervisord's tree) and the servers it uses.

Memory is reported as PSS (proportional set size: a page shared by n processes counts 1/n in
each), for the project's processes and for the servers apart. RSS would count PostgreSQL's
shared buffers once per backend and gunicorn's shared pages once per worker.
"""

import os
import time
from pathlib import Path

from bench.cpu import proc_stat as _stat

SERVER_NAMES = ("postgres", "redis-server", "beam.smp", "epmd", "nginx")
# The machine's servers (and their helpers); everything else is the project's own.
SERVERS = ("postgres", "redis-server", "beam.smp", "epmd", "erl_child_setup", "inet_gethost")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _shop_pids() -> list[int]:
    stats = {int(p): _stat(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    stats = {pid: s for pid, s in stats.items() if s}
    roots = {pid for pid, (name, _, _) in stats.items() if name.startswith("supervisord")}
    roots |= {pid for pid, (name, _, _) in stats.items() if name in SERVER_NAMES}
    chosen, grew = set(roots), True
    while grew:
        children = {pid for pid, (_, ppid, _) in stats.items() if ppid in chosen} - chosen
        chosen |= children
        grew = bool(children)
    return sorted(chosen)


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(seconds: int) -> dict:
    pids = _shop_pids()
    before = {pid: (_stat(pid) or ("", 0, 0))[2] for pid in pids}
    time.sleep(seconds)
    after = {pid: (_stat(pid) or ("", 0, before[pid]))[2] for pid in pids}
    ticks = sum(max(0, after[pid] - before[pid]) for pid in pids)
    servers = {pid for pid in pids if (_stat(pid) or ("",))[0] in SERVERS}
    project = [pid for pid in pids if pid not in servers]
    return {
        "seconds": seconds,
        "processes": len(pids),
        "cpu_percent_of_one_core": round(100 * ticks / CLOCK_TICKS / seconds, 2),
        "memory_mib": round(sum(_rss_bytes(pid) for pid in pids) / 2**20, 1),  # RSS, for comparison
        "project_pss_mib": round(sum(_pss_bytes(pid) for pid in project) / 2**20, 1),
        "project_rss_mib": round(sum(_rss_bytes(pid) for pid in project) / 2**20, 1),
        "servers_pss_mib": round(sum(_pss_bytes(pid) for pid in servers) / 2**20, 1),
    }
