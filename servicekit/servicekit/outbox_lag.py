"""How far an outbox is behind, in one statement: read by the service's metrics (as Django)
and by the watchdog (plain psycopg, as the service's database user). No Django import here."""

# (unpublished rows, age of the oldest in seconds, the oldest's creation time in epoch seconds)
OUTBOX_LAG_SQL = (
    "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float, "
    "COALESCE(EXTRACT(EPOCH FROM min(created_at)), 0)::float FROM servicekit_outboxevent WHERE published_at IS NULL"
)
