"""Inventory service: products, stock levels and their ledger, reservations for orders."""

from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(
    service_settings(
        name="inventory",
        base_dir=BASE_DIR,
        apps=["inventory"],
        event_handlers="inventory.events",
        converge_commands=["seed_demo_products"],
    )
)
