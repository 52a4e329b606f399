#!/bin/bash
# RabbitMQ with the shop's vhost and one user per service (as `up` does).
set -euo pipefail
rabbitmq-server &
server=$!
trap 'rabbitmqctl stop; wait $server' TERM INT
rabbitmqctl -q await_startup --timeout 120
rabbitmqctl -q list_vhosts name | grep -qx shop || rabbitmqctl -q add_vhost shop
for service in auth inventory orders notifications; do
    password=$(printenv "${service^^}_BROKER_PASSWORD")
    rabbitmqctl -q add_user "shop_$service" "$password" 2>/dev/null \
        || rabbitmqctl -q change_password "shop_$service" "$password"
    rabbitmqctl -q set_permissions -p shop "shop_$service" '.*' '.*' '.*'
done
rabbitmqctl -q delete_user guest 2>/dev/null || true
wait $server
