"""Where the dashboard's picture comes from, each source asked with a short timeout so that a
dead part shows as dead instead of stalling the page:

- every API instance's `healthz` (is the process serving?), by port;
- the watchdog's `/status` (supervisor's view of every process, the queues' depths and
  consumers, the restarts it made);
- every service's `/internal/status/` (outbox, dead letters, breakers, orders' saga), asked
  with this service's own credential, as any service-to-service call;
- the span files, for one order's trace.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import requests
from django.conf import settings

from servicekit import trace_story
from servicekit.http_client import DependencyUnavailable, ServiceClient
from servicekit.metrics import platform_state
from servicekit.platform_manifest import load_manifest

PROBE_TIMEOUT = 0.8


@cache
def manifest():
    """deploy/manifest.py: the one list of services, pools, instances and ports."""
    return load_manifest(settings.REPO_ROOT)


def _probe(service: str, pool: str, number: int, port: int) -> dict:
    started = time.perf_counter()
    instance = {"service": service, "pool": pool, "name": f"{pool}-{number}", "port": port}
    try:
        response = requests.get(f"http://127.0.0.1:{port}/api/{service}/healthz", timeout=PROBE_TIMEOUT)
        instance.update(up=response.status_code == 200, reason=f"answered {response.status_code}")
    except requests.RequestException as error:
        instance.update(up=False, reason=f"not answering ({type(error).__name__})")
    instance["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return instance


def instances() -> list[dict]:
    platform = manifest()
    targets = [
        (service["name"], pool, number, port)
        for service in platform.load()["service"]
        for pool, spec in platform.pools(service)
        for number, port in enumerate(platform.instance_ports(spec), start=1)
    ]
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        return list(pool.map(lambda target: _probe(*target), targets))


def watchdog() -> dict:
    port = manifest().load().get("watchdog", {}).get("status_port", 9100)
    try:
        response = requests.get(f"http://127.0.0.1:{port}/status", timeout=PROBE_TIMEOUT * 2)
        response.raise_for_status()
        return {"up": True, **response.json()}
    except (requests.RequestException, ValueError) as error:
        return {"up": False, "reason": f"the watchdog does not answer ({type(error).__name__})", "processes": []}


@cache
def _client(service: str) -> ServiceClient:
    platform = manifest()
    spec = next(s for s in platform.load()["service"] if s["name"] == service)
    urls = [f"http://127.0.0.1:{port}" for port in platform.instance_ports(spec)]
    return ServiceClient(service, urls, connect_timeout=0.3, read_timeout=1.5, retries=0, fail_max=3, reset_timeout=5)


def _state_of(service: str) -> dict:
    if service == settings.SERVICE_NAME:
        try:
            return {"reachable": True, **platform_state()}
        except Exception as error:  # its database is away, say: the page goes on
            return {"reachable": False, "reason": type(error).__name__}
    try:
        response = _client(service).get("/internal/status/")
    except DependencyUnavailable as error:
        return {"reachable": False, "reason": error.details.get("reason", "unavailable")}
    if response.status_code != 200:
        return {"reachable": False, "reason": f"answered {response.status_code}"}
    return {"reachable": True, **response.json()}


def service_states() -> dict[str, dict]:
    names = manifest().service_names()
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return dict(zip(names, pool.map(_state_of, names), strict=True))


def replay(service: str, dead_letter_id: int) -> dict:
    response = _client(service).request("POST", f"/internal/dead-letters/{dead_letter_id}/replay/")
    return {"status": response.status_code, **(response.json() if response.content else {})}


def trace(key: str) -> list[dict]:
    return trace_story.story(trace_story.find(settings.TRACES_DIR, key))
