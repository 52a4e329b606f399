"""Django's PostgreSQL backend with a cheaper health check.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first query of every request and
of every Celery task (close_old_connections marks each one as unchecked): about four extra
round trips per order across the saga. A connection that was used less than
`HEALTH_CHECK_IDLE_SECONDS` ago is as good as checked, so only one that sat idle is pinged.
A connection that broke within that second (the server restarted) fails its next query
instead: Django closes it after the request or task (it records the error), the request
answers 503 `database_unavailable` and an event is retried, as for a failure mid-request.
"""

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_IDLE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _last_cursor_at = float("-inf")

    def close_if_health_check_failed(self):
        now = time.monotonic()
        if self.connection is not None and now - self._last_cursor_at < HEALTH_CHECK_IDLE_SECONDS:
            self.health_check_done = True
        self._last_cursor_at = now
        super().close_if_health_check_failed()
