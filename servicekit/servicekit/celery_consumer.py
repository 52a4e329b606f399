"""The workers' consumer: Celery's own, reconnecting promptly after a long broker outage, and
starting afresh when the connection is lost under running tasks.

Celery's consumer retries a lost broker at intervals that grow by 2 s up to 30 s (kombu's
defaults, not configurable through Celery's settings): after a minute without the broker the
next attempt can be 16 s away, and the queue waits that long after the broker is back. Here
the intervals stay at 1-2 s; an attempt against a broker that is still away costs one
connection refused (or a 4 s connect timeout when it hangs), nothing more.

When the connection drops while tasks run, Celery tries to cancel them, which a thread pool
cannot do: the tasks go on, their acknowledgements fail on the dead channel, and the
reconnected consumer was seen to take no message at all with hundreds waiting (its prefetch
bookkeeping still counting the lost deliveries) until the watchdog killed it 8 s later. The
process exits at once instead and supervisor starts a clean worker: nothing is lost (every
unacknowledged message is delivered again, the inbox drops what was already applied, and a
transaction cut short is rolled back by PostgreSQL).

An acknowledgement is sent as soon as its handler has committed. Celery hands it to the event
loop (`hub.call_soon`), which runs it only after its next poll of the sockets; with the solo
pool the handler itself ran inside that loop, so the poll came first and waited for the broker,
which had nothing to send: every message it may deliver ahead (`prefetch`) was done but not
yet acknowledged. The worker sat idle until a timer woke the loop, up to a second, with
thousands of messages ready (celery#7718, kombu#1587). Here an acknowledgement made on the
loop's own thread goes out at once; one made on a pool thread still goes through the loop,
which owns the connection.
"""

import functools
import logging
import os
import sys
import threading

from celery.worker.consumer import Consumer
from celery.worker.state import active_requests

logger = logging.getLogger(__name__)
EXIT_CODE = 75  # EX_TEMPFAIL: supervisor restarts it


class PromptlyReconnectingConsumer(Consumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=1, interval_step=1, interval_max=2
        )
        return super().ensure_connected(conn)

    def call_soon_ack(self, p, *args, **kwargs):
        if self.hub is not None and threading.current_thread() is threading.main_thread():
            p(*args, **kwargs)  # a lost connection is logged and raised, as it would be in the loop
            return p
        return super().call_soon_ack(p, *args, **kwargs)

    def on_connection_error_after_connected(self, exc):
        stranded = [r for r in tuple(active_requests) if r.task.acks_late and not r.acknowledged]
        if stranded:
            logger.error(
                "broker connection lost with %d task(s) running (%r): exiting for a fresh worker; "
                "the broker delivers their messages again",
                len(stranded),
                exc,
            )
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os._exit(EXIT_CODE)
        super().on_connection_error_after_connected(exc)
