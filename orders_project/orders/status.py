"""What the dashboard and the metrics show of orders: counts by status, outcomes per minute and
the saga's latency over the last minutes (read from the orders table when asked)."""

from django.db import connection

WINDOW_MINUTES = 10

_BY_STATUS = "SELECT status, count(*) FROM orders_order GROUP BY status"
# Orders placed in the window, per minute and outcome (PENDING: not settled yet).
_PER_MINUTE = (
    "SELECT to_char(date_trunc('minute', created_at), 'HH24:MI'), status, count(*) FROM orders_order "
    "WHERE created_at > now() - make_interval(mins => %s) GROUP BY 1, 2 ORDER BY 1"
)
# Placed → settled, for orders settled in the last five minutes (updated_at is the settling).
_SAGA = (
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.99) WITHIN GROUP (ORDER BY s), count(*) "
    "FROM (SELECT EXTRACT(EPOCH FROM updated_at - created_at) AS s FROM orders_order "
    "WHERE status IN ('CONFIRMED', 'REJECTED') AND updated_at > now() - interval '5 minutes') AS settled"
)


def orders_status() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(_BY_STATUS)
        by_status = dict(cursor.fetchall())
        cursor.execute(_PER_MINUTE, [WINDOW_MINUTES])
        per_minute: dict[str, dict[str, int]] = {}
        for minute, status, count in cursor.fetchall():
            per_minute.setdefault(minute, {})[status] = count
        cursor.execute(_SAGA)
        p50, p99, settled = cursor.fetchone()
    return {
        "orders_by_status": by_status,
        "orders_per_minute": per_minute,
        "saga": {
            "settled_last_5_min": settled,
            "p50_ms": round(p50 * 1000, 1) if p50 is not None else None,
            "p99_ms": round(p99 * 1000, 1) if p99 is not None else None,
        },
    }
