"""Celery configuration for Flower (`celery --config flower_config flower`).

Workers run with remote control off (the services share a vhost), so Flower cannot ask them
which queues they consume: its Broker page shows the queues named here instead, each
consumer's queue and its dead-letter queue, with depths from RabbitMQ's management API.
"""

from kombu import Queue
from manifest import load  # deploy/manifest.py, beside this module

from servicekit.events.topology import queue_name

CONSUMERS = [service["name"] for service in load()["service"] if service["consumes"]]

task_default_queue = queue_name(CONSUMERS[0])
task_queues = [Queue(name) for service in CONSUMERS for name in (queue_name(service), f"{queue_name(service)}.dead")]
