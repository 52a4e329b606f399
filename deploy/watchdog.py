"""Alive means making progress: restart what is running but not moving.

    watchdog.py run       the supervised watchdog (`watchdog` in `./manage_all.sh status`); it
                          also answers GET /status (JSON) and /metrics on 127.0.0.1:`status_port`
    watchdog.py report    each event queue's depth and consumers, each relay's backlog and lag

A pid proves nothing: a Celery consumer can sit connected and idle after its broker came back,
a relay can hang on a dead connection. Every two seconds (ten while nothing at all is in
flight) the watchdog reads each consuming service's queue (RabbitMQ's management API, as the
read-only monitoring user Flower also uses) and each producing service's outbox (its own
database, as that service), and restarts, through supervisor:

- an event worker whose queue has messages (ready, or delivered to it) but which has
  acknowledged none for `STALL_SECONDS`, or which has had no consumer on its queue that long;
- a CPU worker (`<service>.cpu`: jobs that may take minutes each, so acknowledgements prove
  nothing) with no consumer on its queue for `STALL_SECONDS`;
- an outbox relay whose oldest unpublished row has stayed the same for `STALL_SECONDS` (a
  long backlog that drains is progress; a row nobody publishes is not).

While the broker itself is unreachable nobody is restarted: there is nothing to consume from,
and the workers and relays reconnect by themselves when it returns; the clocks start again
when it does. After a restart the process gets `STALL_SECONDS` again before it is judged.
"""

import functools
import json
import os
import select
import sys
import threading
import time
import tomllib
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xmlrpc.client import Fault, ServerProxy

import psycopg
import requests
from supervisor.xmlrpc import SupervisorTransport

from servicekit.outbox_lag import OUTBOX_CHANNEL, OUTBOX_LAG_SQL

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SHOP_VAR", ROOT / "var"))
STALL_SECONDS = float(os.environ.get("WATCHDOG_STALL_SECONDS", "8"))
TICK_SECONDS = float(os.environ.get("WATCHDOG_TICK_SECONDS", "2"))
# When nothing is in flight (every queue empty and consumed, every outbox published) there is
# nothing that could stall: look less often, so that the machine at rest is at rest.
QUIET_TICK_SECONDS = float(os.environ.get("WATCHDOG_QUIET_TICK_SECONDS", "10"))
VHOST = os.environ.get("RABBITMQ_VHOST", "shop")


def log(message: str, **fields) -> None:
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "logger": "watchdog", "message": message, **fields}
    print(json.dumps(record), flush=True)


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def manifest() -> dict:
    return tomllib.loads((ROOT / "deploy" / "platform.toml").read_text())


COUNTS = {"messages_ready", "messages_unacknowledged", "consumers"}


def counted(listing: list[dict]) -> dict[str, dict]:
    """The queues of the management API's listing, by name. A queue the broker is still
    recovering (just restarted) is listed for a moment without its counts: it is left out of
    this look, as a queue not seen at all is, rather than failing the watchdog's whole tick."""
    return {queue["name"]: queue for queue in listing if queue.keys() >= COUNTS}


class Broker:
    """Queue depths and acknowledgement counts, from RabbitMQ's management API."""

    def __init__(self):
        url = urlsplit(read_env_file(VAR / "env" / "flower.env")["FLOWER_BROKER_API"])
        self.base = f"{url.scheme}://{url.hostname}:{url.port}{url.path.rstrip('/')}"
        self.session = requests.Session()
        self.session.auth = (url.username, url.password)

    def queues(self) -> dict[str, dict]:
        response = self.session.get(
            f"{self.base}/queues/{VHOST}",
            params={"columns": "name,messages_ready,messages_unacknowledged,consumers,message_stats.ack"},
            timeout=2,
        )
        response.raise_for_status()
        return counted(response.json())


class Outbox:
    """One producing service's outbox, read with that service's own database credentials."""

    def __init__(self, service: str):
        self.service = service
        self.url = read_env_file(VAR / "env" / f"{service}.env")["DATABASE_URL"]
        self.connection = None

    def lag(self) -> tuple[int, float, float]:
        """(unpublished rows, age of the oldest in seconds, the oldest's creation time)."""
        try:
            if self.connection is None or self.connection.closed:
                self.connection = psycopg.connect(self.url, autocommit=True, connect_timeout=2)
                self.connection.execute(f"LISTEN {OUTBOX_CHANNEL}")  # see Watchdog.wait_for_work
            with self.connection.cursor() as cursor:
                cursor.execute(OUTBOX_LAG_SQL)
                return cursor.fetchone()
        except psycopg.Error:
            self.connection = None
            raise

    def fileno(self) -> int | None:
        return None if self.connection is None or self.connection.closed else self.connection.fileno()

    def forget_notifications(self) -> None:
        try:
            for _ in self.connection.notifies(timeout=0):
                pass
        except (AttributeError, psycopg.Error):  # not connected: the next tick connects
            self.connection = None


class Supervisor:
    def __init__(self):
        # supervisord tells its children where it listens; `report` run by hand finds the socket.
        url = os.environ.get("SUPERVISOR_SERVER_URL", f"unix://{VAR / 'run' / 'supervisor.sock'}")
        self.rpc = ServerProxy("http://127.0.0.1", transport=SupervisorTransport(None, None, url))

    def running_since(self, name: str) -> float | None:
        """When the process entered RUNNING (epoch seconds), or None if it is not running."""
        info = self.rpc.supervisor.getProcessInfo(name)
        return info["start"] if info["statename"] == "RUNNING" else None

    def processes(self) -> list[dict]:
        return [
            {
                "name": info["name"],
                "group": info["group"],
                "state": info["statename"],
                "pid": info["pid"],
                "since": info["start"],
                "description": info["description"],
            }
            for info in self.rpc.supervisor.getAllProcessInfo()
        ]

    def restart(self, name: str) -> None:
        """SIGKILL, and supervisor starts it again (an unexpected exit): a process that makes no
        progress may not answer a polite TERM either, and what it held unacknowledged the broker
        redelivers."""
        try:
            self.rpc.supervisor.signalProcess(name, "KILL")
        except Fault as fault:  # it stopped meanwhile: start it
            log("kill failed; starting it", process=name, error=fault.faultString)
            self.rpc.supervisor.startProcess(name, False)


@dataclass
class Progress:
    """What was seen of one queue (its ack count) or outbox (its oldest row), and when it moved."""

    marker: float = -1
    moved_at: float = 0.0
    consumer_seen_at: float = 0.0

    def restart_clocks(self, now: float) -> None:
        self.moved_at = self.consumer_seen_at = now


class Watchdog:
    def __init__(self):
        platform = manifest()
        # (process, its queue, whether acknowledgements measure its progress)
        self.consumers = [
            (f"{s['name']}-worker", f"{s['name']}.events", True) for s in platform["service"] if s["consumes"]
        ]
        self.consumers += [
            (f"{s['name']}-cpu-worker", f"{s['name']}.cpu", False) for s in platform["service"] if "cpu_worker" in s
        ]
        self.outboxes = [Outbox(s["name"]) for s in platform["service"] if s["relay"]]
        self.broker = Broker()
        self.supervisor = Supervisor()
        self.progress = {process: Progress() for process, _, _ in self.consumers}
        self.progress.update({f"{outbox.service}-relay": Progress() for outbox in self.outboxes})
        self.restarted_at: dict[str, float] = {}
        self.restarts: deque[dict] = deque(maxlen=20)  # the latest, for /status
        self.restart_counts: dict[str, int] = {}
        self.broker_answered = False
        self.quiet = False  # the last tick found nothing in flight

    def _judged(self, process: str, now: float) -> bool:
        """A process is judged only once it has run (and been left alone) for STALL_SECONDS."""
        since = self.supervisor.running_since(process)
        if since is None:
            return False  # supervisor is (re)starting it already
        grace_start = max(since, self.restarted_at.get(process, 0.0))
        return now - grace_start >= STALL_SECONDS

    def check_workers(self, queues: dict[str, dict], now: float) -> None:
        for process, queue_name, acks_show_progress in self.consumers:
            queue = queues.get(queue_name)
            if queue is None:
                continue
            seen = self.progress[process]
            acks = queue.get("message_stats", {}).get("ack", 0)
            # Progress: an acknowledgement since last time, or nothing to do (none ready, none held).
            idle = queue["messages_ready"] + queue["messages_unacknowledged"] == 0
            if acks != seen.marker or idle or not acks_show_progress:
                seen.marker, seen.moved_at = acks, now
            if queue["consumers"] > 0:
                seen.consumer_seen_at = now
            stalled = now - seen.moved_at >= STALL_SECONDS
            unconsumed = now - seen.consumer_seen_at >= STALL_SECONDS
            if (stalled or unconsumed) and self._judged(process, now):
                reason = "no consumer on its queue" if unconsumed else "messages waiting, none acknowledged"
                self._restart(process, reason, ready=queue["messages_ready"], acks=acks)
                seen.restart_clocks(now)

    def check_relays(self, now: float) -> int:
        """Judge every relay; returns the rows waiting in all outboxes (1 for one that cannot be read)."""
        waiting = 0
        for outbox in self.outboxes:
            process = f"{outbox.service}-relay"
            seen = self.progress[process]
            try:
                pending, age, oldest = outbox.lag()
            except psycopg.Error:
                seen.restart_clocks(now)  # its database is away: the relay cannot do better, nor can we
                waiting += 1
                continue
            waiting += pending
            if not pending or oldest != seen.marker:
                seen.marker, seen.moved_at = oldest, now
            if now - seen.moved_at >= STALL_SECONDS and self._judged(process, now):
                reason = "its oldest outbox row is not being published"
                self._restart(process, reason, pending=pending, oldest_s=round(age, 1))
                seen.restart_clocks(now)
        return waiting

    def _restart(self, process: str, reason: str, **facts) -> None:
        log("restarting a process that makes no progress", process=process, reason=reason, **facts)
        self.restarted_at[process] = time.time()
        self.restarts.append({"process": process, "reason": reason, "at": time.time()})
        self.restart_counts[process] = self.restart_counts.get(process, 0) + 1
        self.supervisor.restart(process)

    def tick(self) -> bool:
        """Judge every worker and relay once; True when nothing at all was in flight."""
        now = time.time()
        try:
            queues = self.broker.queues()
        except requests.RequestException:
            self.broker_answered = False  # the broker is away: wait for it, judge nobody
            return False
        if not self.broker_answered or self.quiet:  # back, first seen, or after a quiet spell:
            self.broker_answered = True  # everyone gets a fresh STALL_SECONDS
            for progress in self.progress.values():
                progress.restart_clocks(now)
        self.check_workers(queues, now)
        pending = self.check_relays(now)
        watched = [queues.get(queue_name) for _, queue_name, _ in self.consumers]
        self.quiet = not pending and all(
            queue is not None
            and queue["consumers"] > 0
            and queue["messages_ready"] + queue["messages_unacknowledged"] == 0
            for queue in watched
        )
        return self.quiet

    def status(self) -> dict:
        """What the watchdog sees now (read when asked: nothing is polled for it)."""
        state: dict = {"at": time.time(), "processes": Supervisor().processes(), "restarts": list(self.restarts)}
        try:
            state["queues"] = {
                name: {k: queue.get(k, 0) for k in ("messages_ready", "messages_unacknowledged", "consumers")}
                for name, queue in Broker().queues().items()
            }
            state["broker"] = "up"
        except requests.RequestException as error:
            state["queues"], state["broker"] = {}, f"unreachable ({type(error).__name__})"
        return state

    def metrics(self) -> str:
        state = self.status()
        lines = [
            "# HELP shop_queue_messages Messages in an event queue (ready or delivered, not acknowledged)",
            "# TYPE shop_queue_messages gauge",
        ]
        for name, queue in state["queues"].items():
            lines.append(f'shop_queue_messages{{queue="{name}",state="ready"}} {queue["messages_ready"]}')
            lines.append(f'shop_queue_messages{{queue="{name}",state="unacked"}} {queue["messages_unacknowledged"]}')
        lines += ["# HELP shop_queue_consumers Consumers of an event queue", "# TYPE shop_queue_consumers gauge"]
        lines += [f'shop_queue_consumers{{queue="{n}"}} {q["consumers"]}' for n, q in state["queues"].items()]
        lines += ["# HELP shop_process_up 1 while a supervised process runs", "# TYPE shop_process_up gauge"]
        lines += [
            f'shop_process_up{{process="{p["name"]}"}} {int(p["state"] == "RUNNING")}' for p in state["processes"]
        ]
        lines += [
            "# HELP shop_watchdog_restarts Processes restarted for making no progress",
            "# TYPE shop_watchdog_restarts counter",
        ]
        lines += [f'shop_watchdog_restarts_total{{process="{p}"}} {n}' for p, n in self.restart_counts.items()]
        return "\n".join(lines) + "\n"

    def serve(self, port: int) -> None:
        watchdog = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # http.server calls it by this name
                if self.path == "/status":
                    body, kind = json.dumps(watchdog.status()).encode(), "application/json"
                elif self.path == "/metrics":
                    body, kind = watchdog.metrics().encode(), "text/plain; version=0.0.4"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # the dashboard asks every few seconds: no log line each
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        # It waits on its socket; the poll interval only bounds how fast shutdown() is noticed,
        # and nothing calls it (the default, 0.5 s, woke the process twice a second at rest).
        serve = functools.partial(server.serve_forever, poll_interval=3600)
        threading.Thread(target=serve, name="status", daemon=True).start()

    def run(self) -> None:
        log("watching", processes=sorted(self.progress), stall_s=STALL_SECONDS)
        self.serve(manifest().get("watchdog", {}).get("status_port", 9100))
        while True:
            quiet = False
            try:
                quiet = self.tick()
            except Exception as error:  # the watchdog itself must not die of a bad moment
                log("tick failed", error=f"{type(error).__name__}: {error}")
            if quiet:  # then the tick's own pause: at rest a look every QUIET_TICK_SECONDS
                self.wait_for_work(max(0.0, QUIET_TICK_SECONDS - TICK_SECONDS))
            time.sleep(TICK_SECONDS)

    def wait_for_work(self, timeout: float) -> bool:
        """At rest: until the next quiet tick, or until a commit writes an event in any outbox
        (their NOTIFY), whichever comes first; True when woken by an event. Work that begins
        during a quiet spell is looked at a tick after it begins rather than up to a quiet tick
        later, so a process that stalls as it begins is judged as soon as after a busy spell
        (a worker frozen then was restarted 24 s after it froze, its orders healed in 30.4 s)."""
        sockets = [fd for fd in (outbox.fileno() for outbox in self.outboxes) if fd is not None]
        woken = False
        if sockets:
            woken = bool(select.select(sockets, [], [], timeout)[0])
        else:  # no database answered the last tick: just wait
            time.sleep(timeout)
        for outbox in self.outboxes:
            outbox.forget_notifications()
        return woken


def report() -> int:
    platform = manifest()
    try:
        queues = Broker().queues()
    except requests.RequestException as error:
        print(f"event queues: the broker's management API does not answer ({type(error).__name__})")
        queues = {}
    if queues:
        print(f"{'queue':30} {'ready':>7} {'unacked':>8} {'consumers':>10}")
        for service in platform["service"]:
            for name in (f"{service['name']}.events", f"{service['name']}.cpu", f"{service['name']}.events.dead"):
                if name in queues:
                    q = queues[name]
                    print(f"{name:30} {q['messages_ready']:>7} {q['messages_unacknowledged']:>8} {q['consumers']:>10}")
    print(f"{'relay':30} {'pending':>7} {'oldest':>8}")
    for service in platform["service"]:
        if service["relay"]:
            try:
                pending, age, _ = Outbox(service["name"]).lag()
                print(f"{service['name'] + '-relay':30} {pending:>7} {age:>7.1f}s")
            except psycopg.Error as error:
                print(f"{service['name'] + '-relay':30} database unavailable ({type(error).__name__})")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"]:
        Watchdog().run()
        return 0
    if argv[:1] == ["report"]:
        return report()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
