"""The dashboard's picture of the platform: each part of the architecture with its health,
and the reason when it is not healthy (sources.py says where each fact comes from)."""

import time
from concurrent.futures import ThreadPoolExecutor

from . import sources


def process_part(name: str, processes: dict, watchdog_up: bool) -> dict:
    info = processes.get(name)
    if info is None:
        why = "not configured" if watchdog_up else "unknown: the watchdog does not answer"
        return {"name": name, "up": None, "reason": why}
    up = info["state"] == "RUNNING"
    reason = "" if up else f"{info['state'].lower()}{': ' + info['description'] if info['description'] else ''}"
    return {"name": name, "up": up, "reason": reason, "pid": info["pid"], "since": info["since"]}


def worker_part(name: str, queue_name: str, processes: dict, queues: dict, watchdog_up: bool) -> dict:
    worker = process_part(name, processes, watchdog_up)
    queue = queues.get(queue_name)
    if queue is not None:
        worker["queue"] = {"name": queue_name, **queue}
        if worker["up"] and queue["consumers"] == 0:
            worker.update(up=False, reason=f"running, but not consuming {queue_name}")
    return worker


def picture() -> dict:
    with ThreadPoolExecutor(max_workers=3) as pool:
        probes, seen, states = (pool.submit(f) for f in (sources.instances, sources.watchdog, sources.service_states))
        probes, seen, states = probes.result(), seen.result(), states.result()
    processes = {p["name"]: p for p in seen.get("processes", [])}
    queues, watchdog_up = seen.get("queues", {}), seen["up"]
    services = []
    for spec in sources.manifest().load()["service"]:
        name = spec["name"]
        mine = [probe for probe in probes if probe["service"] == name]
        state = states.get(name, {})
        # The status call reads the service's database: its answer says whether it is reachable.
        serving = any(probe["up"] for probe in mine)
        database_up = True if state.get("reachable") else (False if serving else None)
        workers = []
        if spec["consumes"]:
            workers.append(worker_part(f"{name}-worker", f"{name}.events", processes, queues, watchdog_up))
        if "cpu_worker" in spec:
            workers.append(worker_part(f"{name}-cpu-worker", f"{name}.cpu", processes, queues, watchdog_up))
        relay = process_part(f"{name}-relay", processes, watchdog_up) if spec["relay"] else None
        if relay is not None and "outbox" in state:
            relay["outbox"] = state["outbox"]
        dead = queues.get(f"{name}.events.dead")
        services.append(
            {
                "name": name,
                "instances": mine,
                "database": {
                    "up": database_up,
                    "reason": "" if database_up else state.get("reason", "") if serving else "no instance to ask",
                },
                "relay": relay,
                "workers": workers,
                "state": state,
                "dead_letter_queue": dead,
            }
        )
    broker_up = seen.get("broker") == "up"
    broker_reason = "" if broker_up else seen.get("broker") or seen.get("reason", "")
    return {
        "at": time.time(),
        "services": services,
        "broker": {"up": broker_up if watchdog_up else None, "reason": broker_reason},
        "watchdog": {"up": watchdog_up, "reason": seen.get("reason", ""), "restarts": seen.get("restarts", [])},
        "flower": process_part("flower", processes, watchdog_up),
        "gateway": process_part("gateway", processes, watchdog_up),
        "orders": {key: states.get("orders", {}).get(key) for key in ("saga", "orders_per_minute", "orders_by_status")},
    }
