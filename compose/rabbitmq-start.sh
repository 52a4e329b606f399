#!/bin/bash
# RabbitMQ with the shop's vhost and one user per service, with the same narrowed
# permissions as `up` (deploy/lib/provision.sh).
set -euo pipefail
. /shop/deploy/lib/provision.sh
rabbitmq-server &
server=$!
trap 'rabbitmqctl stop; wait $server' TERM INT
rabbitmqctl -q await_startup --timeout 120
rabbitmqctl -q list_vhosts name | grep -qx shop || rabbitmqctl -q add_vhost shop
# The services of deploy/platform.toml with their roles (this image has no Python to read it).
for entry in auth:producer inventory:consumer orders:consumer notifications:consumer flower:flower; do
    who=${entry%%:*}
    password=$(printenv "${who^^}_BROKER_PASSWORD")
    rabbitmqctl -q add_user "shop_$who" "$password" 2>/dev/null \
        || rabbitmqctl -q change_password "shop_$who" "$password"
    mapfile -t perms < <(rabbitmq_permissions "$who" "${entry#*:}")
    rabbitmqctl -q set_permissions -p shop "shop_$who" "${perms[@]}"
done
rabbitmqctl -q set_user_tags shop_flower management  # Flower's Broker page reads queue depths
rabbitmqctl -q delete_user guest 2>/dev/null || true
wait $server
