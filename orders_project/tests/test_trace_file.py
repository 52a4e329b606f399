"""The span file (servicekit.tracing.JsonLinesExporter): one JSON line per span, shared by every
process of a service, rotated past its size limit without losing a span."""

import json

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from servicekit.tracing import JsonLinesExporter


def _tracer(exporter):
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test")


def _names(path):
    return [json.loads(line)["name"] for line in path.read_text().splitlines()] if path.exists() else []


def test_each_span_is_one_line_and_the_file_rotates_past_its_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(JsonLinesExporter, "CHECK_SECONDS", 0.0)  # look at the size before every span
    path = tmp_path / "orders.jsonl"
    tracer = _tracer(JsonLinesExporter(path, "orders", max_bytes=600))
    for number in range(6):
        with tracer.start_as_current_span(f"span {number}"):
            pass
    rotated = path.with_suffix(".jsonl.1")
    assert rotated.exists()
    written = _names(rotated) + _names(path)
    assert set(written) <= {f"span {n}" for n in range(6)}
    assert _names(path)[-1] == "span 5"  # the newest span is in the current file
    assert all(json.loads(line)["service"] == "orders" for line in path.read_text().splitlines())


def test_a_process_whose_file_another_rotated_writes_to_the_new_file(tmp_path, monkeypatch):
    monkeypatch.setattr(JsonLinesExporter, "CHECK_SECONDS", 0.0)
    path = tmp_path / "orders.jsonl"
    one = _tracer(JsonLinesExporter(path, "orders", max_bytes=10_000))
    two = _tracer(JsonLinesExporter(path, "orders", max_bytes=10_000))
    with one.start_as_current_span("from one"):
        pass
    with two.start_as_current_span("from two"):
        pass
    path.rename(path.with_suffix(".jsonl.1"))  # as the other process rotates it
    with one.start_as_current_span("one after rotation"):
        pass
    with two.start_as_current_span("two after rotation"):
        pass
    assert _names(path.with_suffix(".jsonl.1")) == ["from one", "from two"]
    assert _names(path) == ["one after rotation", "two after rotation"]
