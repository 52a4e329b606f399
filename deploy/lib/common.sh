# Shared by manage_all.sh and its parts: paths, settings with defaults, small helpers.
# shellcheck shell=bash

SHOP_ROOT=${SHOP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SHOP_VAR=${SHOP_VAR:-$SHOP_ROOT/var}
SHOP_VENV=${SHOP_VENV:-$SHOP_ROOT/.venv}
export SHOP_ROOT SHOP_VAR SHOP_VENV

# Every service, from the platform manifest (deploy/platform.toml): the one place they are named.
mapfile -t SERVICES < <(python3 "$SHOP_ROOT/deploy/manifest.py" services)
mapfile -t CONSUMERS < <(python3 "$SHOP_ROOT/deploy/manifest.py" consumers)

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
RABBITMQ_HOST=${RABBITMQ_HOST:-127.0.0.1}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_VHOST=${RABBITMQ_VHOST:-shop}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}

export GATEWAY_HTTPS_PORT=${GATEWAY_HTTPS_PORT:-8443}
export GATEWAY_HTTP_PORT=${GATEWAY_HTTP_PORT:-8080}
export GATEWAY_RATE=${GATEWAY_RATE:-100r/s}
export GATEWAY_BURST=${GATEWAY_BURST:-200}
export GATEWAY_LOGIN_RATE=${GATEWAY_LOGIN_RATE:-3r/s}
export GATEWAY_LOGIN_BURST=${GATEWAY_LOGIN_BURST:-10}
# The gateway routes /api/<name>/ and /<name>/admin/ for these names (a regular expression).
SERVICE_NAMES=$(IFS='|'; echo "${SERVICES[*]}") && export SERVICE_NAMES
GATEWAY_URL="https://localhost:${GATEWAY_HTTPS_PORT}"

# Rendered from the manifest by `up` (deploy/manifest.py supervisord).
SUPERVISOR_CONF="$SHOP_VAR/run/supervisord.conf"
SUPERVISORCTL=("$SHOP_VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF")

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as another system user (postgres, for peer-authenticated psql).
as_user() {
    local user=$1; shift
    if is_root; then runuser -u "$user" -- "$@"; else sudo -u "$user" -- "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Wait until a command succeeds, at most $1 seconds, checking every half second.
wait_for() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.5
    done
}

secret() { grep -E "^$1=" "$SHOP_VAR/secrets.env" | head -1 | cut -d= -f2-; }

upper() { printf '%s' "$1" | tr '[:lower:]' '[:upper:]'; }

# Supervisor names for NAMEs: a pool (inventory-api) stands for all its instances
# (inventory-api:*), an instance (inventory-api-2) is found in its pool's group, any other
# process name is itself.
is_pool() { grep -qx "\[group:$1\]" "$SUPERVISOR_CONF" 2>/dev/null; }
supervisor_names() {
    local name
    for name in "$@"; do
        if is_pool "$name"; then
            echo "$name:*"
        elif [[ $name =~ ^(.+)-[0-9]+$ ]] && is_pool "${BASH_REMATCH[1]}"; then
            echo "${BASH_REMATCH[1]}:$name"
        else
            echo "$name"
        fi
    done
}
