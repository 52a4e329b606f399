"""How far an outbox is behind, in one statement: read by the service's metrics (as Django)
and by the watchdog (plain psycopg, as the service's database user). No Django import here."""

# (unpublished rows, age of the oldest in seconds, the oldest's creation time in epoch seconds)
OUTBOX_LAG_SQL = (
    "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float, "
    "COALESCE(EXTRACT(EPOCH FROM min(created_at)), 0)::float FROM servicekit_outboxevent WHERE published_at IS NULL"
)

# The PostgreSQL NOTIFY channel that wakes a service's relays (and the watchdog at rest). NOTIFY
# is per database and each service has its own, so one name serves every service. A trigger on
# the outbox table sends it (migration 0002): no extra round trip per event, and, NOTIFY being
# transactional, a listener is woken exactly when the rows become visible.
OUTBOX_CHANNEL = "servicekit_outbox"
