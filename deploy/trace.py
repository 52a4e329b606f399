"""`./manage_all.sh trace ID`: one order's (or request's) story across the services, in time order.

ID is an order id, a request id (X-Request-ID), an event id or a trace id. The story joins the
spans of every service (var/traces, servicekit/trace_story.py) with the log lines that carry
the same request id (the gateway's access log and every process's JSON log in var/log).
"""

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from servicekit import trace_story

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SHOP_VAR", ROOT / "var"))


def _log_lines(request_ids: set[str]) -> list[tuple[float, str, str]]:
    """(time, where, what) of each JSON log line that carries one of `request_ids`."""
    found = []
    for path in sorted((VAR / "log").glob("*.log")):
        with open(path, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not any(request_id in line for request_id in request_ids):
                    continue
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if entry.get("request_id") not in request_ids:
                    continue
                when = datetime.fromisoformat(entry["ts"]).timestamp()
                if path.stem == "gateway-access":  # logged at the end: place it when the request came
                    when = float(entry.get("msec", when)) - float(entry.get("duration", 0))
                    what = f"gateway: {entry['method']} {entry['uri']} → {entry['status']} in {entry['duration']} s"
                else:
                    what = f"log {entry['level']}: {entry['message']}"
                found.append((when, path.stem, what))
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    spans = trace_story.find(VAR / "traces", argv[0])
    if not spans:
        print(f"nothing traced mentions {argv[0]} (traces are in {VAR / 'traces'})", file=sys.stderr)
        return 1
    request_ids = {span["attributes"].get("request_id") for span in spans} - {None, "", "-"}
    events = [
        (
            moment["at"],
            moment["service"],
            "  " * moment["depth"]
            + moment["name"]
            + (f" ({moment['took'] * 1000:.1f} ms)" if moment["took"] is not None else "")
            + "".join(f" {k}={v}" for k, v in moment["attributes"].items() if k in trace_story.FACTS[:4]),
        )
        for moment in trace_story.moments(spans)
    ]
    events += _log_lines(request_ids)
    traces = {span["trace_id"] for span in spans}
    print(f"{len(traces)} trace(s), {len(spans)} spans, request id(s) {', '.join(sorted(request_ids)) or '-'}")
    for when, where, what in sorted(events, key=lambda event: event[0]):
        stamp = datetime.fromtimestamp(when, UTC).strftime("%H:%M:%S.%f")[:-3]
        print(f"{stamp}  {where:24} {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
