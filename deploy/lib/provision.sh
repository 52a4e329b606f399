# One database and role, one Redis ACL user and one RabbitMQ user per service.
# Every step is written to be run again: it converges, it does not duplicate.
# shellcheck shell=bash

# The outbox and inbox are queue-like tables: every published row leaves a dead tuple, and
# without vacuuming the relays' scans grow with history (measured: 40 % more CPU per order
# after a few thousand orders). PostgreSQL vacuums by default; some servers have it off.
ensure_autovacuum() {
    [ "$(as_user postgres psql -qtAX -d postgres -c 'SHOW autovacuum')" = "on" ] && return 0
    log "PostgreSQL's autovacuum is off on this server: turning it on (the outbox and inbox need it)"
    as_user postgres psql -qX -d postgres -c "ALTER SYSTEM SET autovacuum = on" -c "SELECT pg_reload_conf()" >/dev/null
}

provision_postgres() {
    ensure_autovacuum
    log "provisioning PostgreSQL: a database and a role per service"
    local sql="" svc
    for svc in "${SERVICES[@]}"; do
        local role="shop_$svc" password
        password=$(secret "$(upper "$svc")_DB_PASSWORD")
        # CREATEDB only so pytest-django can make its throw-away test database.
        sql+="
SELECT format('CREATE ROLE %I LOGIN', '$role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') \\gexec
ALTER ROLE $role WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD '$password';
SELECT format('CREATE DATABASE %I OWNER %I', '$role', '$role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$role') \\gexec
REVOKE ALL ON DATABASE $role FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE $role TO $role;
"
    done
    printf '%s' "$sql" | as_user postgres psql -q -X -v ON_ERROR_STOP=1 -d postgres >/dev/null
}

provision_redis() {
    log "provisioning Redis: an ACL user per service, limited to its own key prefix"
    ensure_redis_acl_file
    local svc
    for svc in "${SERVICES[@]}"; do
        redis_admin ACL SETUSER "shop_$svc" reset on ">$(secret "$(upper "$svc")_REDIS_PASSWORD")" \
            "~$svc:*" "&$svc:*" +@all -@admin -@dangerous >/dev/null
    done
    redis_admin ACL SAVE >/dev/null
    # Redis's housekeeping (expiring keys nobody reads, client timeouts) once a second instead of
    # ten times: its CPU at rest drops from 0.17 % of a core to 0.02 %. Expired keys are never
    # served either way (a read checks), and each pass gets a proportionally longer time budget.
    redis_admin CONFIG SET hz 1 >/dev/null
}

rabbitmq_ctl() { rabbitmqctl -q "$@"; }

# configure / write / read permissions (regular expressions on exchange and queue names).
# A producer may only publish to the events exchange; a consumer may also declare, bind and
# read its own queues (<service>.events, <service>.events.dead) and emit Celery's monitoring
# events; Flower may only read those monitoring events (and declare the broadcast exchange it
# insists on, which no worker listens to: remote control is off).
# ROLE: producer (publishes only), consumer (publishes and consumes its own queues) or flower;
# by default read from the platform manifest (a service that consumes nothing is a producer).
rabbitmq_permissions() {
    local who=$1 role=${2:-} own="$1\.(events(\.dead)?|cpu)"
    if [ -z "$role" ]; then
        role=producer
        [ "$who" = flower ] && role=flower
        [[ " ${CONSUMERS[*]} " == *" $who "* ]] && role=consumer
    fi
    case "$role" in
        producer) printf '%s\n' '^shop\.events$' '^shop\.events$' '^$' ;;
        flower) local mine='^(celeryev.*|celery\.pidbox|(.*\.)?reply\.celery\.pidbox)$'
            printf '%s\n' "$mine" "$mine" "$mine" ;;
        consumer) printf '%s\n' "^(shop\.events|shop\.dlx|celeryev|$own)\$" "^(shop\.events|shop\.dlx|celeryev|$own)\$" \
            "^(shop\.events|shop\.dlx|$own)\$" ;;
    esac
}

# What the broker should have, one line per user: name, then its configure/write/read patterns.
rabbitmq_expected_permissions() {
    local who
    for who in "${SERVICES[@]}" flower; do
        printf 'shop_%s\t%s\n' "$who" "$(rabbitmq_permissions "$who" | paste -sd '\t')"
    done | sort
}

# "user password", one line per broker user (every service, and Flower).
broker_credentials() {
    local who
    for who in "${SERVICES[@]}" flower; do
        printf 'shop_%s %s\n' "$who" "$(secret "$(upper "$who")_BROKER_PASSWORD")"
    done
}

# Each rabbitmqctl call costs about half a second: provisioning is skipped when nothing it
# depends on changed (passwords, permissions), the broker still has exactly those users and
# permissions (one call; not after the broker's data was reset) and every user still logs in
# with its password (not after another copy of the shop provisioned its own).
rabbitmq_up_to_date() {
    local stamp=$1
    [ "$(cat "$SHOP_VAR/run/rabbitmq.stamp" 2>/dev/null)" = "$stamp" ] || return 1
    port_open 127.0.0.1 "$RABBITMQ_MANAGEMENT_PORT" || return 1
    [ "$(rabbitmq_ctl list_permissions -p "$RABBITMQ_VHOST" --no-table-headers 2>/dev/null | sort)" \
        = "$(rabbitmq_expected_permissions)" ] || return 1
    broker_credentials | "$SHOP_VENV/bin/python" "$SHOP_ROOT/deploy/broker_logins.py" \
        "$RABBITMQ_HOST" "$RABBITMQ_PORT" "$RABBITMQ_VHOST"
}

provision_rabbitmq() {
    local stamp
    stamp=$( { rabbitmq_expected_permissions; broker_credentials; echo "$RABBITMQ_MANAGEMENT_PORT"; } \
        | sha256sum | cut -d' ' -f1)
    if rabbitmq_up_to_date "$stamp"; then
        return 0
    fi
    log "provisioning RabbitMQ: vhost '$RABBITMQ_VHOST', a user per service, narrowed permissions"
    local users who user password
    rabbitmq_ctl list_vhosts name 2>/dev/null | grep -qx "$RABBITMQ_VHOST" || rabbitmq_ctl add_vhost "$RABBITMQ_VHOST"
    users=$(rabbitmq_ctl list_users --no-table-headers 2>/dev/null | cut -f1)
    for who in "${SERVICES[@]}" flower; do
        user="shop_$who"
        password=$(secret "$(upper "$who")_BROKER_PASSWORD")
        if grep -qx "$user" <<<"$users"; then
            rabbitmq_ctl authenticate_user "$user" "$password" >/dev/null 2>&1 \
                || rabbitmq_ctl change_password "$user" "$password" >/dev/null
        else
            rabbitmq_ctl add_user "$user" "$password" >/dev/null
        fi
        mapfile -t perms < <(rabbitmq_permissions "$who")
        rabbitmq_ctl set_permissions -p "$RABBITMQ_VHOST" "$user" "${perms[@]}" >/dev/null
    done
    rabbitmq_ctl set_user_tags shop_flower management >/dev/null  # reads queue depths, nothing else
    enable_rabbitmq_management
    echo "$stamp" > "$SHOP_VAR/run/rabbitmq.stamp"
}

# RabbitMQ's management API (for Flower's Broker page and queue depths), on the loopback only:
# the listener is set before the plugin starts, and written to rabbitmq.conf for later starts.
# Its cost at rest was measured at well under 1 % of a core.
enable_rabbitmq_management() {
    local conf=/etc/rabbitmq/rabbitmq.conf
    if [ -w "$(dirname "$conf")" ] && ! grep -q '^management.tcp.ip' "$conf" 2>/dev/null; then
        printf 'management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\n' "$RABBITMQ_MANAGEMENT_PORT" >> "$conf"
    fi
    port_open 127.0.0.1 "$RABBITMQ_MANAGEMENT_PORT" && return 0
    rabbitmq_ctl eval "application:set_env(rabbitmq_management, tcp_config, [{ip, \"127.0.0.1\"}, {port, $RABBITMQ_MANAGEMENT_PORT}])." >/dev/null
    rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null
    wait_for 30 port_open 127.0.0.1 "$RABBITMQ_MANAGEMENT_PORT" || warn "RabbitMQ's management API did not start"
}

# RabbitMQ before 3.12 makes sure epmd runs by starting a whole Erlang VM once a minute
# (rabbit_epmd_monitor; upstream checks first since rabbitmq-server#10457): about 0.27 s of CPU
# a minute here, a quarter of the machine's CPU at rest. epmd does run (the node registered
# with it when it started), so on those versions the monitor is stopped. Checked at every `up`
# (one rabbitmqctl call, half a second): the broker, or its application, may have restarted
# since. The cost: were epmd killed, rabbitmqctl would not find the node until the broker
# restarts; the broker itself serves on regardless.
quiet_rabbitmq_epmd_monitor() {
    rabbitmq_ctl eval 'case rabbit_misc:version_compare(rabbit_misc:version(), "3.12.0", lt) of
        true -> supervisor:terminate_child(rabbit_sup, rabbit_epmd_monitor_sup); false -> kept end.' >/dev/null \
        || warn "could not stop RabbitMQ's epmd monitor (it costs CPU at rest, nothing else)"
}
