# Each service's processes (API instances, relay, workers) run as its own unprivileged user,
# shop-<service> in group shop, when `up` runs as root: a compromised orders process can read
# neither inventory's database password nor its service key. Without root, everything runs
# as whoever ran `up`. The gateway's master (it reads the TLS key), supervisord, the watchdog
# and Flower stay with the operator.

service_user() { echo "shop-$1"; }

service_users_enabled() { is_root && getent group shop >/dev/null; }

ensure_service_users() {
    is_root || return 0
    local svc user
    getent group shop >/dev/null || groupadd --system shop
    for svc in "${SERVICES[@]}"; do
        user=$(service_user "$svc")
        id -u "$user" >/dev/null 2>&1 \
            || useradd --system --gid shop --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
    done
    # The code, the virtualenv and the interpreter it points at (pyenv's, under /root, say)
    # must be reachable by group shop: traversal only, granted by ACL where others have none.
    grant_traversal "$SHOP_ROOT"
    grant_traversal "$(readlink -f "$SHOP_VENV/bin/python")"
}

grant_traversal() {
    local dir
    dir=$(dirname "$1")
    while [ "$dir" != / ]; do
        if [ $(( $(stat -c '%a' "$dir" | tail -c 2) & 1 )) -eq 0 ]; then
            setfacl -m g:shop:x "$dir"
        fi
        dir=$(dirname "$dir")
    done
}

# What each service's user may read or write in var/: its own env file, keys, static and
# media; every service's public key. Run after the files are written, on every `up`.
own_service_files() {
    service_users_enabled || return 0
    local svc user
    chmod 711 "$SHOP_VAR/env" "$SHOP_VAR/keys"
    mkdir -p "$SHOP_VAR/media/inventory" "$SHOP_VAR/keys/services"
    chmod 755 "$SHOP_VAR/keys/services" "$SHOP_VAR/media"
    # Metrics: one directory per service (every process of it writes its own files there).
    # Traces: one file per service; group shop may read them all (the dashboard does) and add
    # files (a rotation makes a new one); sticky: each replaces only its own.
    mkdir -p "$SHOP_VAR/metrics" "$SHOP_VAR/traces"
    chmod 755 "$SHOP_VAR/metrics"
    chgrp shop "$SHOP_VAR/traces" && chmod 1775 "$SHOP_VAR/traces"
    for svc in "${SERVICES[@]}"; do
        user=$(service_user "$svc")
        chown "$user:root" "$SHOP_VAR/env/$svc.env" && chmod 600 "$SHOP_VAR/env/$svc.env"
        chown "$user:root" "$SHOP_VAR/keys/services/$svc.key" && chmod 600 "$SHOP_VAR/keys/services/$svc.key"
        chmod 644 "$SHOP_VAR/keys/services/$svc.pub"
        mkdir -p "$SHOP_VAR/static/$svc" "$SHOP_VAR/metrics/$svc"
        touch "$SHOP_VAR/traces/$svc.jsonl"
        chown -R "$user:shop" "$SHOP_VAR/static/$svc" "$SHOP_VAR/metrics/$svc" "$SHOP_VAR/traces/$svc.jsonl"
        chmod 640 "$SHOP_VAR/traces/$svc.jsonl"
    done
    chown -R "$(service_user auth):root" "$SHOP_VAR/keys/jwt"
    chown -R "$(service_user inventory):shop" "$SHOP_VAR/media/inventory"
}
