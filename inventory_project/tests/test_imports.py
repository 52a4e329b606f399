"""Bulk stock imports: the file's shape is checked at once, rows as they are applied (called
here directly; tests/test_cpu_lane.py drives the real worker through the gateway)."""

import pytest

from inventory.imports import (
    ImportFinished,
    InvalidImport,
    stock_import_cancel,
    stock_import_check,
    stock_import_request,
    stock_import_run,
)
from inventory.models import StockImport, StockLevel, StockMovement
from servicekit.models import OutboxEvent


def csv_of(*rows: str) -> bytes:
    return ("sku,delta,reason\n" + "".join(f"{row}\n" for row in rows)).encode()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"sku;delta;reason\nA;1;x\n",  # another separator: the header does not match
        b"sku,delta,reason\n",  # no rows
        "sku,delta,reason\nA,1,caf\xe9\n".encode("latin-1"),  # not UTF-8
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_at_once(data):
    with pytest.raises(InvalidImport):
        stock_import_check(data)


def test_too_many_rows_are_refused(settings):
    settings.STOCK_IMPORT_MAX_ROWS = 3
    with pytest.raises(InvalidImport) as failure:
        stock_import_check(csv_of("A,1,x", "A,1,x", "A,1,x", "A,1,x"))
    assert failure.value.details == {"rows": 4, "max_rows": 3}


def test_rows_are_applied_through_the_ledger_and_bad_ones_reported_by_line(make_product, db):
    widget, gadget = make_product(stock=5), make_product(stock=0)
    job = stock_import_request(
        filename="count.csv",
        data=csv_of(
            f"{widget.sku},10,delivery",
            "NO-SUCH-SKU,1,delivery",
            f"{gadget.sku},-1,damaged",  # would go below zero
            f"{gadget.sku},abc,typo",
            f"{gadget.sku},4,delivery",
        ),
        actor_id="staff-1",
    )
    assert OutboxEvent.objects.filter(type="inventory.import.requested", payload__import_id=str(job.pk)).exists()
    stock_import_run(import_id=str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_applied, job.rows_failed) == ("done", 5, 2, 3)
    assert [error["line"] for error in job.errors] == [3, 4, 5]
    assert "unknown sku" in job.errors[0]["message"] and "whole number" in job.errors[2]["message"]
    assert StockLevel.objects.get(pk=widget.pk).available == 15
    assert StockLevel.objects.get(pk=gadget.pk).available == 4
    movements = StockMovement.objects.filter(reference__startswith=f"import {job.pk}")
    assert sorted(m.reference.rsplit(" ", 1)[1] for m in movements) == ["2", "6"]
    stock_import_run(import_id=str(job.pk))  # delivered again: a finished job changes nothing
    assert StockLevel.objects.get(pk=widget.pk).available == 15


def test_a_job_resumes_at_its_checkpoint(make_product, db, monkeypatch):
    widget = make_product(stock=0)
    monkeypatch.setattr("inventory.imports.BATCH_ROWS", 2)
    job = stock_import_request(filename="", data=csv_of(*[f"{widget.sku},1,delivery"] * 5), actor_id="")
    StockImport.objects.filter(pk=job.pk).update(status="running", rows_done=2, rows_applied=2)  # as if killed
    stock_import_run(import_id=str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_applied) == ("done", 5, 5)
    assert StockLevel.objects.get(pk=widget.pk).available == 3  # only the rows after the checkpoint


def test_a_cancelled_job_stops_and_a_finished_one_cannot_be_cancelled(make_product, db):
    widget = make_product(stock=0)
    queued = stock_import_request(filename="", data=csv_of(f"{widget.sku},1,delivery"), actor_id="")
    assert stock_import_cancel(stock_import=queued).status == "cancelled"
    stock_import_run(import_id=str(queued.pk))
    assert StockLevel.objects.get(pk=widget.pk).available == 0
    done = stock_import_request(filename="", data=csv_of(f"{widget.sku},1,delivery"), actor_id="")
    stock_import_run(import_id=str(done.pk))
    with pytest.raises(ImportFinished):
        stock_import_cancel(stock_import=done)
