"""The outbox relay: publishes committed outbox rows to RabbitMQ, then marks them sent.

- Woken by PostgreSQL NOTIFY right after a commit (low latency), and sweeps every
  `sweep_seconds` anyway (nothing stranded if a notification is missed). Between the two
  it blocks on the socket: no polling.
- Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so several relays can run.
- Each event goes out as a persistent Celery task message (`events.handle`) to the topic
  exchange; a batch is published at once and confirmed by the broker as a whole
  (publisher.py). The rows are marked sent in the same transaction that claimed them, after
  the broker confirmed. A relay killed between publish and mark leaves the rows unmarked:
  they are published again and the consumers' inbox drops the copy.
- Sent rows older than the retention period are pruned.

Each batch is two statements written out in SQL (claim, mark) in one transaction: their text
never changes, so PostgreSQL prepares them once per connection, and the relay spends no time
building queries. The relay's connection commits without waiting for the disk: if such a
commit is lost in a crash, the rows are published again and the consumers' inboxes drop the
copies.
"""

import json
import logging
import os
import select
import time
from datetime import timedelta

import psycopg
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone

from ..models import ENVELOPE_FIELDS, OutboxEvent, envelope_of
from ..outbox_lag import OUTBOX_CHANNEL
from .publisher import ConfirmedPublisher
from .topology import declare

logger = logging.getLogger(__name__)


def _commit_without_waiting_for_disk(sender, connection, **kwargs) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")


class OutboxRelay:
    def __init__(self, celery_app, *, batch_size=100, sweep_seconds=30, retention=timedelta(days=7)):
        self.app = celery_app
        self.batch_size = batch_size
        self.sweep_seconds = sweep_seconds
        self.retention = retention
        self.service = settings.SERVICE_NAME
        self.publisher = ConfirmedPublisher(celery_app.conf.broker_url)
        table = OutboxEvent._meta.db_table
        # The envelope's columns, the payload as its JSON text (decoded here, once).
        columns = ", ".join(f"{field}::text" if field == "payload" else field for field in ENVELOPE_FIELDS)
        self._claim_sql = (
            f"SELECT {columns} FROM {table} WHERE published_at IS NULL "  # noqa: S608 (our own names)
            "ORDER BY created_at LIMIT %s FOR UPDATE SKIP LOCKED"
        )
        self._mark_sql = f"UPDATE {table} SET published_at = clock_timestamp() WHERE id = ANY(%s)"  # noqa: S608

    def publish_pending(self, *, exit_after_publish: bool = False) -> int:
        """Publish one batch of pending events; returns how many were sent."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(self._claim_sql, [self.batch_size])
            rows = cursor.fetchall()
            if not rows:
                return 0
            self.publisher.publish(self.app, [envelope_of(*row[:-1], json.loads(row[-1])) for row in rows])
            if exit_after_publish:
                # Fault injection for the tests: die after the broker confirmed, before marking.
                logger.warning("exiting after publish, before marking %d events sent", len(rows))
                os._exit(3)
            cursor.execute(self._mark_sql, [[row[0] for row in rows]])
        logger.debug("published %d events", len(rows))
        return len(rows)

    def prune(self) -> int:
        cutoff = timezone.now() - self.retention
        deleted, _ = OutboxEvent.objects.filter(published_at__lt=cutoff).delete()
        return deleted

    def drain(self, *, exit_after_publish: bool = False) -> int:
        total = 0
        while sent := self.publish_pending(exit_after_publish=exit_after_publish):
            total += sent
            if sent < self.batch_size:
                break
        return total

    def run_forever(self) -> None:
        connection_created.connect(_commit_without_waiting_for_disk, weak=False)
        connection.close()  # every connection from here on has it
        with self.app.connection_for_write() as conn:
            declare(conn, self.service, {})  # the exchange exists before the first publish
        while True:
            try:
                self._listen_and_publish()
            except Exception as exc:  # the broker or the database is away: wait, then carry on
                logger.warning("relay interrupted (%s); retrying in 2 s", exc)
                close_old_connections()
                connection.close()
                time.sleep(2)

    def _listen_and_publish(self) -> None:
        db = settings.DATABASES["default"]
        conninfo = psycopg.conninfo.make_conninfo(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
        )
        with psycopg.connect(conninfo, autocommit=True) as listener:
            listener.execute(f"LISTEN {OUTBOX_CHANNEL}")
            last_prune = 0.0
            while True:
                self.drain()
                if time.monotonic() - last_prune > 3600:
                    self.prune()
                    last_prune = time.monotonic()
                # Sleep on the socket until a commit notifies us, or the sweep is due; then take
                # what arrived. (psycopg's notifies(timeout=...) wakes every 0.1 s to stay
                # interruptible: ten wake-ups a second per relay at rest.)
                select.select([listener.fileno()], [], [], self.sweep_seconds)
                for _ in listener.notifies(timeout=0):
                    pass
