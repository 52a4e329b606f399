"""One request's story, read back from the span files (tracing.py): shared by
`./manage_all.sh trace ID` and the dashboard's search. Plain Python: no Django needed.

Anything a trace carries can find it: the trace id, an order's (or any payload's) id, a
request id, an event id. Every trace that mentions it is returned whole, in time order.
"""

import json
from collections.abc import Iterator
from pathlib import Path


def _files(traces_dir: Path) -> list[Path]:
    return sorted(traces_dir.glob("*.jsonl.1")) + sorted(traces_dir.glob("*.jsonl"))


def _lines_containing(traces_dir: Path, needles: set[str]) -> Iterator[dict]:
    for path in _files(traces_dir):
        try:
            with open(path, encoding="utf-8") as spans:
                for line in spans:
                    if any(needle in line for needle in needles):  # cheap, before parsing
                        try:
                            yield json.loads(line)
                        except json.JSONDecodeError:
                            continue  # a line cut short by a rotation
        except OSError:
            continue  # not readable by this user, or rotated away meanwhile


def _mentions(span: dict, key: str) -> bool:
    """The span is about `key`: by its trace id or a fact it records (not merely a URL that
    names it: every GET of an order would be a trace of its own)."""
    facts = (str(value) for name, value in span.get("attributes", {}).items() if name != "http.target")
    return span["trace_id"] == key or any(key == fact for fact in facts)


def find(traces_dir: Path, key: str, *, limit: int = 5) -> list[dict]:
    """Every span of the (at most `limit`, newest) traces that mention `key`, oldest first."""
    key = key.strip()
    if len(key) < 8:
        return []  # too short to mean one thing
    hits = [span for span in _lines_containing(traces_dir, {key}) if _mentions(span, key)]
    trace_ids = {span["trace_id"] for span in sorted(hits, key=lambda s: s["start"])[-limit * 20 :]}
    spans = {span["span_id"]: span for span in _lines_containing(traces_dir, trace_ids)}
    return sorted((s for s in spans.values() if s["trace_id"] in trace_ids), key=lambda s: s["start"])


def roots(spans: list[dict]) -> list[dict]:
    """The spans whose parent is not in the trace: one per connected trace."""
    ids = {span["span_id"] for span in spans}
    return [span for span in spans if span["parent_id"] not in ids]


def depth_of(spans: list[dict]) -> dict[str, int]:
    by_id = {span["span_id"]: span for span in spans}
    depths: dict[str, int] = {}
    for span in spans:
        depth, parent = 0, span["parent_id"]
        while parent in by_id and depth < 50:
            depth, parent = depth + 1, by_id[parent]["parent_id"]
        depths[span["span_id"]] = depth
    return depths


FACTS = ("order.id", "order.status", "event.id", "notification.kind", "http.status_code", "request_id")


def moments(spans: list[dict]) -> list[dict]:
    """Every span and every event recorded in one (an event published), in time order."""
    depths = depth_of(spans)
    found = []
    for span in spans:
        depth = depths[span["span_id"]]
        found.append({**span, "at": span["start"], "depth": depth, "took": span["end"] - span["start"]})
        for event in span.get("events", []):
            found.append(
                {
                    **span,
                    "name": event["name"],
                    "at": event["time"],
                    "depth": depth + 1,
                    "took": None,
                    "attributes": event["attributes"],
                }
            )
    return sorted(found, key=lambda moment: moment["at"])


def story(spans: list[dict]) -> list[dict]:
    """The trace as a story: when (ms after the first), where, what, how long, the facts."""
    told = moments(spans)
    if not told:
        return []
    first = told[0]["at"]
    return [
        {
            "at_ms": round((moment["at"] - first) * 1000, 1),
            "service": moment["service"],
            "what": moment["name"],
            "took_ms": round(moment["took"] * 1000, 1) if moment["took"] is not None else None,
            "depth": moment["depth"],
            "trace_id": moment["trace_id"],
            "status": moment["status"],
            "facts": {k: v for k, v in moment.get("attributes", {}).items() if k in FACTS},
        }
        for moment in told
    ]
