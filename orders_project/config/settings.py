"""Orders service: orders, order lines and the order saga."""

from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(service_settings(name="orders", base_dir=BASE_DIR, apps=["orders"], event_handlers="orders.events"))
env = ENV  # noqa: F821 (from service_settings): every setting below is read through it

# The one synchronous dependency: product names and prices at order time (a read), from any
# of inventory's instances.
INVENTORY_URLS = env.list("INVENTORY_URLS", default=["http://127.0.0.1:8003", "http://127.0.0.1:8013"])

# The dashboard's and the metrics' view of orders (servicekit.metrics.platform_state).
STATUS_PROVIDERS = ["orders.status.orders_status"]
BREAKERS = ["orders.clients.inventory_client"]
