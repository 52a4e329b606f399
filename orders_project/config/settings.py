"""Orders service: orders, order lines and the order saga."""

from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(service_settings(name="orders", base_dir=BASE_DIR, apps=["orders"]))
