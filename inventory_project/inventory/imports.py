"""Bulk stock imports: a CSV of adjustments (sku, delta, reason), up to 100,000 rows, applied
by the CPU lane in batches through `stock_adjust_many`, the function every single adjustment
goes through too (the same rule against going below zero, the same ledger row).

    stock_import_request   staff: the file is checked and stored, 202 with the job
    stock_import_run       the CPU worker, on `inventory.import.requested`
    stock_import_cancel    staff: stops the job before its next batch

Each batch is one transaction that also moves the job's checkpoint (`rows_done`): a worker
killed mid-batch loses that batch's uncommitted work and the job resumes exactly there, so
no row is applied twice. The stock rows of a batch are locked first, in product order (the
order every reservation locks in), so a batch cannot deadlock with orders. Between batches
the job pauses (`STOCK_IMPORT_DUTY_CYCLE`: the share of the time it may work), so that the
database it shares with the API and the saga is never taken over by an import.
"""

import csv
import io
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servicekit.errors import DomainError, InvalidInput
from servicekit.events.outbox import publish_event

from .error_codes import InventoryErrorCode
from .models import MAX_STOCK, Product, StockImport
from .services import Adjustment, stock_adjust_many

logger = logging.getLogger(__name__)

HEADER = ["sku", "delta", "reason"]
BATCH_ROWS = 500
ERRORS_KEPT = 1000


class InvalidImport(InvalidInput):
    code = InventoryErrorCode.INVALID_IMPORT
    message = "The file is not a stock import this shop accepts."


class ImportFinished(DomainError):
    code = InventoryErrorCode.IMPORT_FINISHED
    message = "This import has already finished."


class RowError(ValueError):
    """One row cannot be applied; the message says why (reported with its line number)."""


def _rows(source: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(source)))[1:]


def _decoded(data: bytes) -> str:
    if len(data) > settings.STOCK_IMPORT_MAX_BYTES:
        raise InvalidImport(
            "The file is too large.", details={"max_bytes": settings.STOCK_IMPORT_MAX_BYTES, "bytes": len(data)}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidImport("The file must be UTF-8 text.") from exc


def stock_import_check(data: bytes) -> tuple[str, int]:
    """The file's text and row count, if its shape is right (UTF-8 CSV, the header, 1 to
    STOCK_IMPORT_MAX_ROWS rows); rows themselves are checked one by one when applied."""
    source = _decoded(data)
    try:
        lines = list(csv.reader(io.StringIO(source)))
    except csv.Error as exc:
        raise InvalidImport("The file is not valid CSV.", details={"reason": str(exc)}) from exc
    header = [cell.strip().lower() for cell in lines[0]] if lines else []
    if header != HEADER:
        raise InvalidImport(f"The first line must be {','.join(HEADER)}.", details={"header": header})
    rows = len(lines) - 1
    if not 1 <= rows <= settings.STOCK_IMPORT_MAX_ROWS:
        raise InvalidImport(
            f"An import has 1 to {settings.STOCK_IMPORT_MAX_ROWS} rows.",
            details={"rows": rows, "max_rows": settings.STOCK_IMPORT_MAX_ROWS},
        )
    return source, rows


def stock_import_request(*, filename: str, data: bytes, actor_id: str) -> StockImport:
    """Queue the job; each bad row is reported with its line number when it is reached."""
    source, rows = stock_import_check(data)
    with transaction.atomic():
        job = StockImport.objects.create(filename=filename[:200], source=source, requested_by=actor_id, rows_total=rows)
        publish_event("inventory.import.requested", {"import_id": str(job.pk), "rows": rows})
    return job


@transaction.atomic
def stock_import_cancel(*, stock_import: StockImport) -> StockImport:
    job = StockImport.objects.select_for_update().get(pk=stock_import.pk)
    if job.status in StockImport.TERMINAL:
        raise ImportFinished(details={"status": job.status})
    if job.status == StockImport.Status.QUEUED:  # nothing applied yet: cancelled now
        job.status, job.finished_at = StockImport.Status.CANCELLED, timezone.now()
    job.cancel_requested = True
    job.save()
    return job


def _parsed(row: list[str], product_ids: dict[str, str]) -> tuple[str, int, str]:
    if len(row) != len(HEADER):
        raise RowError(f"expected {len(HEADER)} fields (sku, delta, reason), found {len(row)}")
    sku, delta, reason = (cell.strip() for cell in row)
    if sku not in product_ids:
        raise RowError(f"unknown sku {sku!r}")
    try:
        amount = int(delta)
    except ValueError as exc:
        raise RowError(f"delta must be a whole number, not {delta!r}") from exc
    if amount == 0 or abs(amount) > MAX_STOCK:
        raise RowError(f"delta must be between -{MAX_STOCK} and {MAX_STOCK}, and not 0")
    if not reason or len(reason) > 200:
        raise RowError("reason is required (200 characters at most)")
    return product_ids[sku], amount, reason


def _apply_batch(job: StockImport, batch: list[list[str]]) -> None:
    skus = {row[0].strip() for row in batch if row}
    product_ids = {sku: str(pk) for sku, pk in Product.objects.filter(sku__in=skus).values_list("sku", "id")}
    adjustments, lines = [], []
    for offset, row in enumerate(batch):
        line = job.rows_done + offset + 2  # line 1 is the header
        try:
            product_id, delta, reason = _parsed(row, product_ids)
        except RowError as exc:
            _report(job, line, str(exc))
            continue
        adjustments.append(Adjustment(product_id, delta, reason, reference=f"import {job.pk} line {line}"))
        lines.append(line)
    outcomes = stock_adjust_many(adjustments, actor_id=job.requested_by) if adjustments else []
    for line, outcome in zip(lines, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            _report(job, line, outcome.message)
        else:
            job.rows_applied += 1
    job.errors.sort(key=lambda error: error["line"])
    job.rows_done += len(batch)


def _report(job: StockImport, line: int, message: str) -> None:
    job.rows_failed += 1
    if len(job.errors) < ERRORS_KEPT:
        job.errors.append({"line": line, "message": message})


def stock_import_run(*, import_id: str) -> None:
    """Apply the job from its checkpoint to the end, a batch per transaction, until it is done
    or cancelled. Run again (a redelivered job), it resumes; finished, it does nothing."""
    rows = None
    while True:
        started = time.monotonic()
        with transaction.atomic():
            job = StockImport.objects.select_for_update().filter(pk=import_id).first()
            if job is None or job.status in StockImport.TERMINAL:
                return
            now = timezone.now()
            if job.cancel_requested:
                job.status, job.finished_at = StockImport.Status.CANCELLED, now
                job.save()
                logger.info("import %s cancelled after %d of %d rows", job.pk, job.rows_done, job.rows_total)
                return
            if job.status == StockImport.Status.QUEUED:
                job.status, job.started_at = StockImport.Status.RUNNING, now
            rows = rows if rows is not None else _rows(job.source)
            _apply_batch(job, rows[job.rows_done : job.rows_done + BATCH_ROWS])
            if job.rows_done >= job.rows_total:
                job.status, job.finished_at = StockImport.Status.DONE, timezone.now()
                logger.info("import %s done: %d applied, %d failed", job.pk, job.rows_applied, job.rows_failed)
            job.save()
            if job.status == StockImport.Status.DONE:
                return
        _yield_to_others(time.monotonic() - started)


def _yield_to_others(worked: float) -> None:
    duty = settings.STOCK_IMPORT_DUTY_CYCLE
    if 0 < duty < 1:
        time.sleep(worked * (1 - duty) / duty)
