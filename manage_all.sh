#!/usr/bin/env bash
# The shop on one machine: ./manage_all.sh up | test | down | status | start NAME | stop NAME |
#                         restart [NAME] | logs [NAME] | manage SERVICE ARGS... | bench | chaos [FAULT...]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for part in common install infra secrets service_user provision gateway; do
    # shellcheck source=/dev/null
    . "$here/deploy/lib/$part.sh"
done

supervisor_running() { "${SUPERVISORCTL[@]}" pid >/dev/null 2>&1; }

manage() {
    local svc=$1; shift
    [ -d "$SHOP_ROOT/${svc}_project" ] || die "unknown service '$svc' (one of: ${SERVICES[*]})"
    local as=()
    # As the service's own user, so that what a command writes (keys, static) is the service's.
    service_users_enabled && as=(runuser -m -u "$(service_user "$svc")" --)
    (cd "$SHOP_ROOT/${svc}_project" && "${as[@]}" "$SHOP_VENV/bin/python" manage.py "$@")
}

# Every service at once, each in one process (Django starts once, not once per step): migrate,
# collect static files, declare its exchanges and queues (before any relay publishes: a topic
# exchange drops what no queue matches), then its own set-up (demo users, demo catalogue).
converge_services() {
    local svc failed=() pids=() admin_password customer_password
    log "migrating, collecting static files, declaring the event topology (every service at once)"
    admin_password=$(secret DEMO_ADMIN_PASSWORD) customer_password=$(secret DEMO_CUSTOMER_PASSWORD)
    for svc in "${SERVICES[@]}"; do
        DEMO_ADMIN_PASSWORD=$admin_password DEMO_CUSTOMER_PASSWORD=$customer_password \
            manage "$svc" converge > "$SHOP_VAR/log/converge-$svc.log" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || failed+=("${SERVICES[$i]}")
    done
    for svc in "${SERVICES[@]}"; do sed "s/^/  $svc: /" "$SHOP_VAR/log/converge-$svc.log"; done
    [ ${#failed[@]} -eq 0 ] || die "could not bring ${failed[*]} up to date (see var/log/converge-*.log)"
}

# A digest of the code the Python processes run: when it changes, `up` restarts them.
code_stamp() {
    (cd "$SHOP_ROOT" && find ./*_project servicekit deploy requirements var/env -type f \
        \( -name '*.py' -o -name '*.html' -o -name '*.txt' -o -name '*.conf' -o -name '*.env' -o -name '*.toml' \) \
        -not -path '*/__pycache__/*' \
        | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

# The supervisor configuration, rendered from the platform manifest.
render_supervisor_config() {
    local users=""
    service_users_enabled && users=1
    SHOP_SERVICE_USERS=$users python3 "$SHOP_ROOT/deploy/manifest.py" supervisord > "$SUPERVISOR_CONF.tmp"
    mv "$SUPERVISOR_CONF.tmp" "$SUPERVISOR_CONF"
}

# Whether the running supervisord was started from the rendered configuration file (an
# older checkout started it from deploy/supervisord.conf, which is gone).
supervisord_runs_rendered_config() {
    local pid
    pid=$(cat "$SHOP_VAR/run/supervisord.pid" 2>/dev/null) || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SUPERVISOR_CONF"
}

start_processes() {
    local gateway_changed=$1 stamp_file="$SHOP_VAR/run/code.stamp" stamp
    stamp=$(code_stamp)
    if supervisor_running && ! supervisord_runs_rendered_config; then
        log "supervisord runs another configuration file: restarting it with the rendered one"
        cmd_down
    fi
    if supervisor_running; then
        "${SUPERVISORCTL[@]}" update >/dev/null
        if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
            log "the code changed: restarting the services, one instance of each pool at a time"
            local programs
            programs=$("${SUPERVISORCTL[@]}" avail | awk '$1 != "gateway" {print $1}')
            # First every process but the second instances, then those: a pool always has one
            # instance serving while the other restarts.
            "${SUPERVISORCTL[@]}" restart $(grep -v -- '-2$' <<<"$programs") >/dev/null
            "${SUPERVISORCTL[@]}" restart $(grep -- '-2$' <<<"$programs") >/dev/null
        fi
        "${SUPERVISORCTL[@]}" start all >/dev/null 2>&1 || true
        if [ -n "$gateway_changed" ]; then
            log "reloading the gateway's configuration"
            reload_gateway
        fi
    else
        local port
        for port in "$GATEWAY_HTTPS_PORT" "$GATEWAY_HTTP_PORT" $(python3 "$SHOP_ROOT/deploy/manifest.py" ports); do
            wait_for 10 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" \
                || die "port $port is taken: is another copy of the shop running? (stop it with its ./manage_all.sh down)"
        done
        log "starting every process under supervisord"
        "$SHOP_VENV/bin/supervisord" -c "$SUPERVISOR_CONF"
    fi
    echo "$stamp" > "$stamp_file"
}

gateway_ready() {
    local svc
    for svc in "${SERVICES[@]}"; do
        curl -fsS --cacert "$SHOP_VAR/certs/dev-ca.crt" -o /dev/null "$GATEWAY_URL/api/$svc/readyz" || return 1
    done
}

print_summary() {
    cat <<MSG

The shop is up. Gateway: $GATEWAY_URL  (trust $SHOP_VAR/certs/dev-ca.crt, or curl -k)
  sign in (every admin):  $GATEWAY_URL/auth/login/
  admins:                 $GATEWAY_URL/{auth,inventory,orders,notifications}/admin/
  API docs:               $GATEWAY_URL/api/{auth,inventory,orders,notifications}/docs/
  demo staff user:        admin@shop.local / $(secret DEMO_ADMIN_PASSWORD)
  demo customer:          customer@shop.local / $(secret DEMO_CUSTOMER_PASSWORD)
  processes:              ./manage_all.sh status
MSG
}

cmd_up() {
    install_system_packages
    start_infra
    ensure_venv
    ensure_var_dirs
    ensure_secrets
    ensure_jwt_keys
    ensure_service_keys
    ensure_certificates
    write_service_envs
    ensure_service_users
    own_service_files
    provision_postgres
    provision_redis
    provision_rabbitmq
    quiet_rabbitmq_epmd_monitor
    converge_services
    local gateway_changed
    gateway_changed=$(render_gateway_config)
    render_supervisor_config
    start_processes "$gateway_changed"
    log "waiting for every service to be ready behind the gateway"
    wait_for 90 gateway_ready || { "${SUPERVISORCTL[@]}" status || true; die "the shop did not become ready; see ./manage_all.sh logs"; }
    print_summary
}

cmd_down() {
    if supervisor_running; then
        log "stopping every process and supervisord"
        local pid
        pid=$(cat "$SHOP_VAR/run/supervisord.pid")
        "${SUPERVISORCTL[@]}" shutdown >/dev/null
        # supervisord exits once every process it runs has stopped: wait for that, so that the
        # next `up` finds the ports free.
        wait_for 120 bash -c "! kill -0 $pid" || warn "supervisord ($pid) is still stopping its processes"
        rm -f "$SHOP_VAR"/metrics/*/*.db  # the processes' metric files: counting starts again with them
    else
        echo "not running"
    fi
}

cmd_test() {
    if ! { supervisor_running && gateway_ready; }; then
        cmd_up
    fi
    "$SHOP_VENV/bin/python" "$SHOP_ROOT/deploy/run_tests.py" "$@"
}

# The benchmark measures what the gateway costs, not its rate limiter's verdicts: the
# per-client limits are lifted for the run (the limiter still runs) and put back after.
cmd_bench() {
    supervisor_running && gateway_ready || die "not running: ./manage_all.sh up"
    command -v wrk >/dev/null || { is_root && apt-get install -y -qq --no-install-recommends wrk >/dev/null; } \
        || die "wrk is missing: apt-get install wrk"
    trap 'render_gateway_config >/dev/null && reload_gateway' EXIT
    GATEWAY_RATE=1000000r/s GATEWAY_BURST=1000000 render_gateway_config >/dev/null
    reload_gateway
    "$SHOP_VENV/bin/python" "$SHOP_ROOT/bench/run.py" "$@"
}

cmd_chaos() {
    supervisor_running && gateway_ready || die "not running: ./manage_all.sh up"
    (cd "$SHOP_ROOT" && "$SHOP_VENV/bin/python" -m bench.chaos "$@")
}

cmd_logs() {
    if [ $# -gt 0 ]; then
        # A pool's name (inventory-api) follows every instance's log (inventory-api-1, -2, ...).
        if is_pool "$1"; then exec tail -n 50 -F "$SHOP_VAR/log/$1"-[0-9]*.log; fi
        exec tail -n 50 -F "$SHOP_VAR/log/$1.log"
    fi
    exec tail -n 20 -F "$SHOP_VAR"/log/*.log
}

main() {
    local cmd=${1:-help}
    [ $# -gt 0 ] && shift
    case "$cmd" in
        up) cmd_up ;;
        down) cmd_down ;;
        test) cmd_test "$@" ;;
        status)
            if supervisor_running; then
                "${SUPERVISORCTL[@]}" status || true
                echo
                "$SHOP_VENV/bin/python" "$SHOP_ROOT/deploy/watchdog.py" report || true
            else
                echo "not running"
            fi ;;
        start|stop|restart)
            supervisor_running || die "not running: ./manage_all.sh up"
            # shellcheck disable=SC2046
            "${SUPERVISORCTL[@]}" "$cmd" $(supervisor_names "${@:-all}") ;;
        logs) cmd_logs "$@" ;;
        manage) [ $# -ge 1 ] || die "usage: manage SERVICE ARGS..."; manage "$@" ;;
        services) printf '%s\n' "${SERVICES[@]}" ;;
        bench) cmd_bench "$@" ;;
        chaos) cmd_chaos "$@" ;;
        rotate-keys) manage auth signing_keys "${@:-add}" ;;
        trace) [ $# -eq 1 ] || die "usage: trace ORDER_ID|REQUEST_ID"; "$SHOP_VENV/bin/python" "$SHOP_ROOT/deploy/trace.py" "$1" ;;
        help|-h|--help) sed -n '2,3p' "$0" | sed 's/^# //' ;;
        *) die "unknown command '$cmd' (try: up, test, down, status, start, stop, restart, logs, manage, bench, chaos, rotate-keys, trace)" ;;
    esac
}

main "$@"
