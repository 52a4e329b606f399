"""gunicorn settings shared by every service pool; the bind address and pool size come
from the command line, as the platform manifest (deploy/platform.toml) sizes each pool."""

import gc

# Threaded workers keep upstream connections alive (sync workers close every one).
worker_class = "gthread"
# Load Django before binding the port: a restarting instance refuses connections (the gateway
# goes to its twin at once) instead of queueing them while it boots; workers share the loaded
# code with the master (copy-on-write), and a recycled worker starts in milliseconds.
preload_app = True
keepalive = 75  # longer than nginx's upstream idle timeout, so nginx closes first
timeout = 30
graceful_timeout = 20
# Recycle workers now and then: a slow leak never becomes an outage. Rarely, though: an instance
# is one worker, and while it is replaced (about 2 s: the old worker finishes, the master
# notices and forks) new connections wait in the backlog; at 5000 requests that was every
# ~12 s per instance under the benchmark's load. The twins' jitter keeps them apart.
max_requests = 100_000
max_requests_jitter = 10_000
accesslog = None  # the gateway's access log has every request, with its request id
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = "127.0.0.1"
# As long as the gateway lets through (it answers 414 itself above 8000 characters).
limit_request_line = 8190
# No control socket: nothing uses it, and a service's user may not write where it would go.
control_socket_disable = True


def pre_fork(server, worker):
    # Everything the master loaded (Django, the app, their modules) moves to a generation the
    # garbage collector never visits again: its passes no longer write to those objects, so the
    # pages stay shared between the master and its worker instead of being copied into each
    # (seen here: 29-48 MiB of a worker's ~80 MiB had become its own before this, about 20 after).
    gc.freeze()
