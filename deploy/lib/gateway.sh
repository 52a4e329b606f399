# Renders gateway_nginx/*.conf into var/gateway/ and checks the result with `nginx -t`.
# shellcheck shell=bash

# The only ${NAMES} replaced in gateway_nginx/*.conf (compose/gateway-render.sh uses the same list).
GATEWAY_TEMPLATE_VARS='${SHOP_VAR} ${GATEWAY_SECRET} ${GATEWAY_HTTPS_PORT} ${GATEWAY_HTTP_PORT} ${GATEWAY_RATE}
${GATEWAY_BURST} ${GATEWAY_LOGIN_RATE} ${GATEWAY_LOGIN_BURST} ${NGINX_USER_DIRECTIVE} ${SERVICE_NAMES}'

nginx_worker_user() {
    if ! is_root; then return 0; fi
    id -u www-data >/dev/null 2>&1 && echo www-data || echo nobody
}

# Prints "changed" when the rendered configuration differs from what was there.
render_gateway_config() {
    local out="$SHOP_VAR/gateway" user changed="" file
    user=$(nginx_worker_user)
    mkdir -p "$out" "$SHOP_VAR"/nginx/{client_body,proxy,fastcgi,uwsgi,scgi,verify_cache}
    [ -n "$user" ] && chown -R "$user" "$SHOP_VAR/nginx"
    export SHOP_VAR
    export NGINX_USER_DIRECTIVE=${user:+"user $user;"}
    GATEWAY_SECRET=$(secret GATEWAY_SECRET) && export GATEWAY_SECRET
    for file in "$SHOP_ROOT"/gateway_nginx/*.conf; do
        envsubst "$GATEWAY_TEMPLATE_VARS" < "$file" > "$out/$(basename "$file").tmp"
    done
    # One upstream per pool of the manifest.
    python3 "$SHOP_ROOT/deploy/manifest.py" upstreams > "$out/upstreams.conf.tmp"
    for file in "$out"/*.conf.tmp; do
        if cmp -s "$file" "${file%.tmp}"; then
            rm "$file"
        else
            mv "$file" "${file%.tmp}"
            changed=changed
        fi
    done
    chmod 600 "$out"/*.conf
    /usr/sbin/nginx -t -q -p "$SHOP_VAR/nginx" -c "$out/nginx.conf" || die "the gateway configuration is invalid"
    echo "$changed"
}

# Reload the running gateway with the rendered configuration. nginx refuses some changes on
# reload (a shared zone's key or size) and then keeps serving the old configuration, saying so
# only in its log: when that happens the gateway is restarted instead, so what runs is what was
# rendered.
reload_gateway() {
    local log="$SHOP_VAR/log/gateway.log" before
    before=$(wc -c < "$log" 2>/dev/null || echo 0)
    "${SUPERVISORCTL[@]}" signal HUP gateway >/dev/null
    sleep 1
    if tail -c +"$((before + 1))" "$log" 2>/dev/null | grep -q '\[emerg\]'; then
        warn "the gateway refused to reload its configuration; restarting it"
        "${SUPERVISORCTL[@]}" restart gateway >/dev/null
    fi
}
