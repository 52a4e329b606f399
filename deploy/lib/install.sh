# Installs what the shop needs and is missing: Debian packages, then the Python venv.
# shellcheck shell=bash

install_system_packages() {
    local need=()
    command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
    command -v redis-server >/dev/null || need+=(redis-server)
    command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || need+=(rabbitmq-server)
    [ -x /usr/sbin/nginx ] || need+=(nginx)
    command -v openssl >/dev/null || need+=(openssl)
    command -v envsubst >/dev/null || need+=(gettext-base)
    command -v curl >/dev/null || need+=(curl)
    command -v setfacl >/dev/null || need+=(acl)  # lets the services' users reach the interpreter
    command -v docker-compose >/dev/null || need+=(docker-compose)  # validates compose/ (no engine needed)
    # Browser tests drive Debian's chromium through Playwright (no browser download at test time).
    [ -x /usr/bin/chromium ] || need+=(chromium)
    [ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
    python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
    [ ${#need[@]} -eq 0 ] && return 0
    is_root || die "missing system packages (${need[*]}); run as root or install them"
    log "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # Debian starts a default nginx on port 80; the shop runs its own under supervisord.
    if [ -f /run/nginx.pid ]; then /usr/sbin/nginx -s quit 2>/dev/null || true; fi
}

requirements_stamp() {
    cat "$SHOP_ROOT"/requirements/*.txt "$SHOP_ROOT/servicekit/pyproject.toml" | sha256sum | cut -d' ' -f1
}

ensure_venv() {
    local stamp_file="$SHOP_VENV/.shop-requirements" stamp
    stamp=$(requirements_stamp)
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then return 0; fi
    log "installing Python packages into $SHOP_VENV"
    [ -x "$SHOP_VENV/bin/python" ] || python3 -m venv "$SHOP_VENV"
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    "$SHOP_VENV/bin/pip" install -q -r "$SHOP_ROOT/requirements/dev.txt" -c "$SHOP_ROOT/requirements/constraints.txt" \
        -e "$SHOP_ROOT/servicekit" 2>&1 | grep -v '^WARNING: Location' || true
    "$SHOP_VENV/bin/python" -c 'import django, rest_framework, supervisor, servicekit' \
        || die "Python packages did not install"
    echo "$stamp" > "$stamp_file"
}
