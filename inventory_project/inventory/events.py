"""The events inventory consumes: orders to reserve stock for, and cancellations (the events
lane); its own requests for CPU-heavy work (the cpu lane: its own queue and worker)."""

from servicekit.events.consumer import handles
from servicekit.events.topology import CPU_LANE

from . import images, imports, services


@handles("orders.order.created")
def reserve_stock_for_order(event: dict) -> None:
    payload = event["payload"]
    services.stock_reserve(order_id=payload["order_id"], lines=payload["lines"])


@handles("orders.order.cancelled")
def release_stock_of_cancelled_order(event: dict) -> None:
    payload = event["payload"]
    services.stock_release(order_id=payload["order_id"], user_id=payload["user_id"])


@handles("inventory.image.uploaded", lane=CPU_LANE)
def render_product_image(event: dict) -> None:
    payload = event["payload"]
    images.product_image_render(product_id=payload["product_id"], version=payload["version"])


@handles("inventory.import.requested", lane=CPU_LANE)
def run_stock_import(event: dict) -> None:
    imports.stock_import_run(import_id=event["payload"]["import_id"])
