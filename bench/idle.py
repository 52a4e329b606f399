"""What the system costs at rest: CPU over a quiet interval and resident memory, summed over
the shop's processes (supervisord's tree) and the servers it uses."""

import os
import time
from pathlib import Path

SERVER_NAMES = ("postgres", "redis-server", "beam.smp", "epmd", "nginx")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[str, int, int] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), int(fields[11]) + int(fields[12])  # name, ppid, utime+stime


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


def measure(seconds: int) -> dict:
    pids = _shop_pids()
    before = {pid: (_stat(pid) or ("", 0, 0))[2] for pid in pids}
    time.sleep(seconds)
    after = {pid: (_stat(pid) or ("", 0, before[pid]))[2] for pid in pids}
    ticks = sum(max(0, after[pid] - before[pid]) for pid in pids)
    return {
        "seconds": seconds,
        "processes": len(pids),
        "cpu_percent_of_one_core": round(100 * ticks / CLOCK_TICKS / seconds, 2),
        "memory_mib": round(sum(_rss_bytes(pid) for pid in pids) / 2**20, 1),
    }
