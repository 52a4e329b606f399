"""CPU-heavy work on its own lane, through the gateway, done by the real `inventory-cpu-worker`:
product images (checked at upload, rendered in the background, served by the gateway) and bulk
stock imports (batches, progress, per-row errors, cancel, a worker killed mid-way)."""

import io
import os
import signal
import struct
import time
import zlib

import pytest
from PIL import Image

from bench.faults import supervised_pids

from .support import assert_error_shape, eventually, new_product, query

RENDITIONS = {"thumb_128": 128, "thumb_256": 256, "thumb_512": 512, "webp": 1600}


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _bomb(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels in a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _upload_image(gateway, staff, product_id, data: bytes, name="photo.png"):
    return gateway.put(
        f"/api/inventory/products/{product_id}/image/", files={"image": (name, data)}, headers=staff.auth
    )


def _image_state(gateway, staff, product_id) -> dict:
    return gateway.get(f"/api/inventory/products/{product_id}/", headers=staff.auth).json()["image"]


def test_an_uploaded_image_is_rendered_in_the_background_and_served_by_the_gateway(gateway, staff, account):
    product = new_product(gateway, staff)
    accepted = _upload_image(gateway, staff, product["id"], _png(2400, 1200))
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["state"] == "processing" and accepted.json()["renditions"] == {}
    image = eventually(lambda: (i := _image_state(gateway, staff, product["id"]))["state"] == "ready" and i, timeout=60)
    assert set(image["renditions"]) == set(RENDITIONS)
    for name, rendition in image["renditions"].items():
        served = gateway.get(rendition["url"])  # public, like the catalogue
        assert served.status_code == 200, rendition["url"]
        with Image.open(io.BytesIO(served.content)) as file:
            assert max(file.size) == RENDITIONS[name] and file.size == (rendition["width"], rendition["height"])
            assert file.format == ("WEBP" if name == "webp" else "JPEG")
    # Customers see the image with the product.
    seen = gateway.get(f"/api/inventory/products/{product['id']}/", headers=account.auth).json()["image"]
    assert seen["renditions"]["thumb_256"]["url"] == image["renditions"]["thumb_256"]["url"]


def test_a_replaced_image_replaces_its_renditions(gateway, staff):
    product = new_product(gateway, staff)
    _upload_image(gateway, staff, product["id"], _png(800, 800))
    first = eventually(lambda: (i := _image_state(gateway, staff, product["id"]))["state"] == "ready" and i, timeout=60)
    _upload_image(gateway, staff, product["id"], _png(800, 400))
    second = eventually(
        lambda: (
            (i := _image_state(gateway, staff, product["id"]))["state"] == "ready"
            and i["renditions"] != first["renditions"]
            and i
        ),
        timeout=60,
    )
    assert second["renditions"]["thumb_512"]["height"] == 256
    assert gateway.get(first["renditions"]["thumb_512"]["url"]).status_code == 404


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"sku,delta,reason\n", 400, "invalid_image"),
        (_bomb(50_000, 50_000), 400, "invalid_image"),  # Pillow's own guard refuses it at open
        (_bomb(8_000, 6_000), 413, "image_too_large"),  # 48 megapixels: over the shop's limit
    ],
    ids=["not-an-image", "decompression-bomb", "too-many-pixels"],
)
def test_what_is_not_an_image_or_is_a_bomb_is_refused_and_changes_nothing(gateway, staff, data, status, code):
    product = new_product(gateway, staff)
    refused = _upload_image(gateway, staff, product["id"], data)
    assert_error_shape(refused, status, code)
    assert _image_state(gateway, staff, product["id"]) is None


def test_customers_cannot_upload_images_or_start_imports(gateway, staff, account):
    product = new_product(gateway, staff)
    assert _upload_image(gateway, account, product["id"], _png(10, 10)).status_code == 403
    csv = b"sku,delta,reason\nX,1,y\n"
    refused = gateway.post("/api/inventory/imports/", files={"file": ("s.csv", csv)}, headers=account.auth)
    assert refused.status_code == 403


def _start_import(gateway, staff, rows: list[str]) -> dict:
    body = ("sku,delta,reason\n" + "\n".join(rows) + "\n").encode()
    response = gateway.post("/api/inventory/imports/", files={"file": ("stock.csv", body)}, headers=staff.auth)
    assert response.status_code == 202, response.text
    return response.json()


def _import(gateway, staff, import_id) -> dict:
    return gateway.get(f"/api/inventory/imports/{import_id}/", headers=staff.auth).json()


def _finished(gateway, staff, import_id, timeout=240) -> dict:
    return eventually(
        lambda: (job := _import(gateway, staff, import_id))["status"] in ("done", "cancelled") and job,
        timeout=timeout,
        interval=0.5,
    )


def _ledger_lines(import_id: str) -> list[str]:
    rows = query(
        "inventory", "SELECT reference FROM inventory_stockmovement WHERE reference LIKE %s", [f"import {import_id} %"]
    )
    return [reference.rsplit(" ", 1)[1] for (reference,) in rows]


def test_an_import_of_ten_thousand_rows_applies_the_good_ones_and_reports_the_bad_by_line(gateway, staff):
    products = [new_product(gateway, staff, stock=0) for _ in range(4)]
    rows = [f"{products[n % 4]['sku']},1,delivery" for n in range(10_000)]
    rows[99] = "NO-SUCH-SKU,1,delivery"  # line 101
    rows[4999] = f"{products[0]['sku']},one,delivery"  # line 5001
    rows[9998] = f"{products[1]['sku']},-100000,shrinkage"  # line 10000: below zero
    job = _start_import(gateway, staff, rows)
    assert job["status"] == "queued" and job["rows_total"] == 10_000
    done = _finished(gateway, staff, job["id"])
    assert (done["status"], done["rows_done"], done["rows_applied"], done["rows_failed"]) == ("done", 10_000, 9_997, 3)
    assert [error["line"] for error in done["errors"]] == [101, 5001, 10000]
    assert done["rows_per_second"] > 0
    lines = _ledger_lines(job["id"])
    assert len(lines) == len(set(lines)) == 9_997
    stock = [gateway.get(f"/api/inventory/products/{p['id']}/", headers=staff.auth).json() for p in products]
    assert sum(p["stock_available"] for p in stock) == 9_997


def test_an_import_survives_its_worker_being_killed_and_applies_no_row_twice(gateway, staff):
    product = new_product(gateway, staff, stock=0)
    job = _start_import(gateway, staff, [f"{product['sku']},1,delivery"] * 30_000)
    eventually(lambda: 0 < _import(gateway, staff, job["id"])["rows_done"] < 20_000, timeout=60, interval=0.1)
    killed = supervised_pids()["inventory-cpu-worker"]
    os.kill(killed, signal.SIGKILL)  # no goodbye: mid-batch; supervisor starts it again
    eventually(lambda: supervised_pids().get("inventory-cpu-worker") not in (None, killed), timeout=30)
    done = _finished(gateway, staff, job["id"])
    assert (done["status"], done["rows_applied"], done["rows_failed"]) == ("done", 30_000, 0)
    lines = _ledger_lines(job["id"])
    assert len(lines) == len(set(lines)) == 30_000
    stock = gateway.get(f"/api/inventory/products/{product['id']}/", headers=staff.auth).json()["stock_available"]
    assert stock == 30_000


def test_a_cancelled_import_stops_where_it_was(gateway, staff):
    product = new_product(gateway, staff, stock=0)
    job = _start_import(gateway, staff, [f"{product['sku']},1,delivery"] * 50_000)
    eventually(lambda: _import(gateway, staff, job["id"])["rows_done"] > 0, timeout=60, interval=0.1)
    cancelled = gateway.post(f"/api/inventory/imports/{job['id']}/cancel/", headers=staff.auth)
    assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"] is True
    done = _finished(gateway, staff, job["id"], timeout=60)
    assert done["status"] == "cancelled" and done["rows_done"] < 50_000
    time.sleep(1)  # nothing more happens after
    stock = gateway.get(f"/api/inventory/products/{product['id']}/", headers=staff.auth).json()["stock_available"]
    assert stock == done["rows_applied"] == len(_ledger_lines(job["id"]))
    again = gateway.post(f"/api/inventory/imports/{job['id']}/cancel/", headers=staff.auth)
    assert_error_shape(again, 409, "import_finished")
