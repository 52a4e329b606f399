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
env = ENV  # noqa: F821 (from service_settings): every setting below is read through it

# Product images: uploads are stored here and served by the gateway at /media/inventory/.
MEDIA_ROOT = VAR_DIR / "media" / "inventory"  # noqa: F821 (from service_settings)
MEDIA_URL = "/media/inventory/"
PRODUCT_IMAGE_MAX_BYTES = env.int("PRODUCT_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# Refused before decoding: 40 megapixels is a large photograph; a "bomb" declares far more.
PRODUCT_IMAGE_MAX_PIXELS = env.int("PRODUCT_IMAGE_MAX_PIXELS", default=40_000_000)
STOCK_IMPORT_MAX_ROWS = env.int("STOCK_IMPORT_MAX_ROWS", default=100_000)
STOCK_IMPORT_MAX_BYTES = env.int("STOCK_IMPORT_MAX_BYTES", default=8 * 1024 * 1024)
# The share of the time an import may work (it pauses between batches for the rest), so that
# the database it shares with the API and the saga is never taken over by an import.
STOCK_IMPORT_DUTY_CYCLE = env.float("STOCK_IMPORT_DUTY_CYCLE", default=0.5)
