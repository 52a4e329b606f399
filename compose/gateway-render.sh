#!/bin/sh
# Renders the gateway templates at container start, replacing only the shop's ${NAMES}
# (the same list as deploy/lib/gateway.sh), then checks the result.
set -eu
export SHOP_VAR=/var/shop NGINX_USER_DIRECTIVE="user nginx;"
: "${GATEWAY_SECRET:?}"
vars='${SHOP_VAR} ${GATEWAY_SECRET} ${GATEWAY_HTTPS_PORT} ${GATEWAY_HTTP_PORT} ${GATEWAY_RATE} ${GATEWAY_BURST}
${GATEWAY_LOGIN_RATE} ${GATEWAY_LOGIN_BURST} ${NGINX_USER_DIRECTIVE} ${SERVICE_NAMES}'
mkdir -p /var/shop/certs
cp /run/secrets/gateway_crt /var/shop/certs/gateway.crt
cp /run/secrets/gateway_key /var/shop/certs/gateway.key
for file in /etc/shop/gateway-templates/*.conf; do
    envsubst "$vars" < "$file" > "/var/shop/gateway/$(basename "$file")"
done
nginx -t -q -p /var/shop/nginx -c /var/shop/gateway/nginx.conf
