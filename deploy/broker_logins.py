"""Exit 0 when every given RabbitMQ user can log in to the vhost with the given password.

    broker_logins.py HOST PORT VHOST  (then USER PASSWORD lines on standard input)

`up` uses it to decide whether RabbitMQ provisioning can be skipped: permissions are checked
with one rabbitmqctl call, but only a login shows that a password is still the one in
var/secrets.env (another copy of the shop, or a person, may have changed it).
"""

import sys

import amqp


def main() -> int:
    host, port, vhost = sys.argv[1:4]
    for line in sys.stdin.read().splitlines():
        user, _, password = line.partition(" ")
        try:
            connection = amqp.Connection(
                f"{host}:{port}", userid=user, password=password, virtual_host=vhost, connect_timeout=3
            )
            connection.connect()
            connection.close()
        except Exception:  # refused, or unreachable: provision
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
