# Starts PostgreSQL, Redis and RabbitMQ where they are not running. They are the machine's
# servers, shared with anything else on it: `down` leaves them running.
# shellcheck shell=bash

start_postgres() {
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && return 0
    log "starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    [ -n "$version" ] || die "no PostgreSQL cluster found in /etc/postgresql"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for 30 pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "PostgreSQL did not start"
}

# The shop's Redis users live in an ACL file, so a Redis restart keeps them (provision.sh).
REDIS_ACL_FILE="$SHOP_VAR/redis/users.acl"

redis_admin() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ${REDIS_ADMIN_PASSWORD:+--no-auth-warning -a "$REDIS_ADMIN_PASSWORD"} "$@"; }

start_redis() {
    [ "$(redis_admin ping 2>/dev/null)" = "PONG" ] && return 0
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis "$(dirname "$REDIS_ACL_FILE")"
    touch "$REDIS_ACL_FILE" && chmod 600 "$REDIS_ACL_FILE"
    if [ -f /etc/redis/redis.conf ]; then
        redis-server /etc/redis/redis.conf --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --supervised no \
            --aclfile "$REDIS_ACL_FILE" --hz 1
    else
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --dir /var/lib/redis \
            --logfile /var/log/redis/redis-server.log --aclfile "$REDIS_ACL_FILE" --hz 1
    fi
    wait_for 20 bash -c "[ \"\$(redis-cli -h $REDIS_HOST -p $REDIS_PORT ping)\" = PONG ]" || die "Redis did not start"
}

# Restart a running Redis with the shop's ACL file when it was started without one (the
# machine's own start command): users set at run time would vanish on its next restart. It
# keeps nothing the shop needs across a restart (caches, sessions, circuit state).
ensure_redis_acl_file() {
    [ "$(redis_admin CONFIG GET aclfile | tail -1)" = "$REDIS_ACL_FILE" ] && return 0
    log "Redis runs without the shop's ACL file: restarting it with one (its users then survive restarts)"
    redis_admin SHUTDOWN NOSAVE >/dev/null 2>&1 || true
    wait_for 20 bash -c "! redis-cli -h $REDIS_HOST -p $REDIS_PORT ping >/dev/null 2>&1" || die "Redis did not stop"
    start_redis
}

start_rabbitmq() {
    port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" && return 0
    log "starting RabbitMQ"
    rabbitmq-server -detached
    # -detached returns before the Erlang node exists, and await_startup gives up at once on a
    # node it cannot reach: wait for the node to answer first, then for the broker to boot.
    wait_for 60 rabbitmqctl -q ping || die "RabbitMQ's node did not come up"
    rabbitmqctl -q await_startup --timeout 120 >/dev/null || die "RabbitMQ did not start"
    wait_for 30 port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" || die "RabbitMQ does not listen on $RABBITMQ_PORT"
}

start_infra() {
    start_postgres
    start_redis
    start_rabbitmq
}
