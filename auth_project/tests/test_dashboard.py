"""The dashboard's pure parts: how a process's health and reason are read, and how a trace is
found and told from span files."""

import json

from dashboard.picture import process_part, worker_part

from servicekit import trace_story


def test_a_running_process_is_up_and_a_stopped_one_says_why():
    processes = {
        "orders-worker": {"name": "orders-worker", "state": "RUNNING", "description": "pid 1", "pid": 1, "since": 0},
        "orders-relay": {
            "name": "orders-relay",
            "state": "STOPPED",
            "description": "Dec 02 03:00 AM",
            "pid": 0,
            "since": 0,
        },
    }
    assert process_part("orders-worker", processes, True)["up"] is True
    stopped = process_part("orders-relay", processes, True)
    assert stopped["up"] is False and stopped["reason"].startswith("stopped")
    assert process_part("orders-worker", {}, False) == {
        "name": "orders-worker",
        "up": None,
        "reason": "unknown: the watchdog does not answer",
    }


def test_a_running_worker_that_consumes_nothing_is_down():
    processes = {
        "orders-worker": {"name": "orders-worker", "state": "RUNNING", "description": "", "pid": 1, "since": 0}
    }
    queues = {"orders.events": {"messages_ready": 3, "messages_unacknowledged": 0, "consumers": 0}}
    worker = worker_part("orders-worker", "orders.events", processes, queues, True)
    assert worker["up"] is False
    assert worker["reason"] == "running, but not consuming orders.events"
    queues["orders.events"]["consumers"] = 1
    assert worker_part("orders-worker", "orders.events", processes, queues, True)["up"] is True


def _span(span_id, parent_id, trace_id="a" * 32, start=0.0, **attributes):
    return {
        "trace_id": trace_id,
        "span_id": span_id,
        "parent_id": parent_id,
        "service": "orders",
        "name": f"span {span_id}",
        "kind": "INTERNAL",
        "start": start,
        "end": start + 0.01,
        "status": "UNSET",
        "attributes": attributes,
    }


def test_a_trace_is_found_by_a_fact_and_returned_whole_in_time_order(tmp_path):
    order_id = "5b2f3c1e-0000-4000-8000-000000000001"
    spans = [
        {
            **_span("2", "1", start=2.0, **{"event.id": "e1"}),
            "events": [{"name": "publish orders.order.confirmed", "time": 2.005, "attributes": {"event.id": "e2"}}],
        },
        _span("1", None, start=1.0, **{"order.id": order_id}),
        _span("3", "2", start=3.0),
        _span("9", None, trace_id="b" * 32, start=1.5, **{"http.target": f"/api/orders/{order_id}/"}),
    ]
    (tmp_path / "orders.jsonl").write_text("".join(json.dumps(s) + "\n" for s in spans) + '{"cut sho')
    found = trace_story.find(tmp_path, order_id)
    assert [s["span_id"] for s in found] == ["1", "2", "3"]  # not the GET that merely names it
    assert trace_story.roots(found) == [found[0]]
    story = trace_story.story(found)
    assert [(s["at_ms"], s["depth"], s["took_ms"]) for s in story] == [
        (0.0, 0, 10.0),
        (1000.0, 1, 10.0),
        (1005.0, 2, None),  # the event published within span 2
        (2000.0, 2, 10.0),
    ]
    assert story[2]["what"] == "publish orders.order.confirmed" and story[2]["facts"] == {"event.id": "e2"}
    assert trace_story.find(tmp_path, "short") == []
