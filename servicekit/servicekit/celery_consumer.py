"""The workers' consumer: Celery's own, reconnecting promptly after a long broker outage.

Celery's consumer retries a lost broker at intervals that grow by 2 s up to 30 s (kombu's
defaults, not configurable through Celery's settings): after a minute without the broker the
next attempt can be 16 s away, and the queue waits that long after the broker is back. Here
the intervals stay at 1-2 s; an attempt against a broker that is still away costs one
connection refused (or a 4 s connect timeout when it hangs), nothing more.
"""

import functools

from celery.worker.consumer import Consumer


class PromptlyReconnectingConsumer(Consumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=1, interval_step=1, interval_max=2
        )
        return super().ensure_connected(conn)
