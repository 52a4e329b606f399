# Development secrets, keys and certificates, generated once into var/ (never committed).
# Running again keeps what exists and adds only what is missing.
# shellcheck shell=bash

random_secret() { openssl rand -hex 32; }
# Short enough to type into a sign-in form.
random_password() { openssl rand -base64 18 | tr -d '/+=' | cut -c1-16; }

ensure_var_dirs() {
    mkdir -p "$SHOP_VAR"/{run,log,env,keys,certs,gateway,static,nginx,test-results}
    chmod 755 "$SHOP_VAR"
    chmod 700 "$SHOP_VAR/env" "$SHOP_VAR/keys" "$SHOP_VAR/run"
    local svc
    for svc in "${SERVICES[@]}"; do mkdir -p "$SHOP_VAR/metrics/$svc" "$SHOP_VAR/traces"; done
}

ensure_secrets() {
    local file="$SHOP_VAR/secrets.env" name
    touch "$file" && chmod 600 "$file"
    local names=(GATEWAY_SECRET DEMO_ADMIN_PASSWORD DEMO_CUSTOMER_PASSWORD FLOWER_BROKER_PASSWORD)
    for svc in "${SERVICES[@]}"; do
        for kind in SECRET_KEY DB_PASSWORD REDIS_PASSWORD BROKER_PASSWORD; do
            names+=("$(upper "$svc")_$kind")
        done
    done
    # Demo passwords given in the environment replace the generated ones (and stay, so the
    # tests and the summary agree with what the demo users really have).
    for name in DEMO_ADMIN_PASSWORD DEMO_CUSTOMER_PASSWORD; do
        if [ -n "${!name:-}" ] && [ "$(secret "$name")" != "${!name}" ]; then
            sed -i "/^$name=/d" "$file"
            echo "$name=${!name}" >> "$file"
        fi
    done
    for name in "${names[@]}"; do
        grep -q "^$name=" "$file" && continue
        case "$name" in
            DEMO_*) echo "$name=$(random_password)" >> "$file" ;;
            *) echo "$name=$(random_secret)" >> "$file" ;;
        esac
    done
}

# The token-signing key ring (auth_project/accounts/keyring.py): one RSA key per file, named
# by its creation time; the newest signs. A key made before the ring existed joins it.
ensure_jwt_keys() {
    local ring="$SHOP_VAR/keys/jwt" legacy="$SHOP_VAR/keys/jwt_private.pem"
    mkdir -p "$ring"
    chmod 700 "$ring"
    compgen -G "$ring/[0-9]*.pem" >/dev/null && return 0
    if [ -s "$legacy" ]; then
        log "moving the token-signing key into the key ring"
        mv "$legacy" "$ring/$(date +%s).pem"
        rm -f "$SHOP_VAR/keys/jwt_public.pem"
    else
        log "generating the RS256 token-signing key"
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$ring/$(date +%s).pem" 2>/dev/null
    fi
    chmod 600 "$ring"/*.pem
}

# One Ed25519 key pair per service, for the tokens it signs when it calls another service
# (servicekit/service_auth.py). Private halves are the service's own; public halves are for all.
ensure_service_keys() {
    local dir="$SHOP_VAR/keys/services" svc
    mkdir -p "$dir"
    for svc in "${SERVICES[@]}"; do
        [ -s "$dir/$svc.key" ] && [ -s "$dir/$svc.pub" ] && continue
        log "generating $svc's service-to-service key"
        openssl genpkey -algorithm ed25519 -out "$dir/$svc.key" 2>/dev/null
        openssl pkey -in "$dir/$svc.key" -pubout -out "$dir/$svc.pub"
        chmod 600 "$dir/$svc.key"
    done
}

# A development CA and a gateway certificate signed by it: clients trust var/certs/dev-ca.crt.
ensure_certificates() {
    local dir="$SHOP_VAR/certs"
    [ -s "$dir/gateway.crt" ] && [ -s "$dir/gateway.key" ] && [ -s "$dir/dev-ca.crt" ] && return 0
    log "generating the development CA and the gateway's TLS certificate"
    openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 \
        -keyout "$dir/dev-ca.key" -out "$dir/dev-ca.crt" -subj "/CN=shop development CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -nodes -newkey rsa:2048 -keyout "$dir/gateway.key" -out "$dir/gateway.csr" \
        -subj "/CN=localhost" 2>/dev/null
    openssl x509 -req -sha256 -days 825 -in "$dir/gateway.csr" -CA "$dir/dev-ca.crt" -CAkey "$dir/dev-ca.key" \
        -CAcreateserial -out "$dir/gateway.crt" -extfile <(printf '%s\n' \
            "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" "basicConstraints=CA:FALSE" \
            "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
            "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid") 2>/dev/null
    chmod 600 "$dir/dev-ca.key" "$dir/gateway.key"
    rm -f "$dir/gateway.csr"
}

# var/env/<service>.env: what each service's settings read (environment variables win).
write_service_envs() {
    local svc SVC file other urls=""
    # Where each service's API instances listen, for the few synchronous calls between them.
    for other in "${SERVICES[@]}"; do
        urls+="$(upper "$other")_URLS=$(python3 "$SHOP_ROOT/deploy/manifest.py" urls "$other")"$'\n'
    done
    for svc in "${SERVICES[@]}"; do
        SVC=$(upper "$svc")
        file="$SHOP_VAR/env/$svc.env"
        umask 077
        cat > "$file.tmp" <<ENV
DATABASE_URL=postgres://shop_$svc:$(secret "${SVC}_DB_PASSWORD")@$PG_HOST:$PG_PORT/shop_$svc
REDIS_URL=redis://shop_$svc:$(secret "${SVC}_REDIS_PASSWORD")@$REDIS_HOST:$REDIS_PORT/0
BROKER_URL=amqp://shop_$svc:$(secret "${SVC}_BROKER_PASSWORD")@$RABBITMQ_HOST:$RABBITMQ_PORT/$RABBITMQ_VHOST
DJANGO_SECRET_KEY=$(secret "${SVC}_SECRET_KEY")
GATEWAY_SECRET=$(secret GATEWAY_SECRET)
DJANGO_CSRF_TRUSTED_ORIGINS=$GATEWAY_URL
TASK_EVENTS=${TASK_EVENTS:-false}
SHOP_SERVICES=$(IFS=,; echo "${SERVICES[*]}")
$urls
ENV
        umask 022
        cmp -s "$file.tmp" "$file" && rm "$file.tmp" || mv "$file.tmp" "$file"
    done
    umask 077
    # Flower's API is open to whoever reaches it: only the gateway does, for staff only.
    # Its Broker page reads queue depths from RabbitMQ's management API (loopback only), as the
    # same narrow user ("management" tag: only what its own vhost permissions show).
    local flower_password
    flower_password=$(secret FLOWER_BROKER_PASSWORD)
    printf 'CELERY_BROKER_URL=amqp://shop_flower:%s@%s:%s/%s\nFLOWER_UNAUTHENTICATED_API=true\nFLOWER_BROKER_API=http://shop_flower:%s@%s:%s/api/\n' \
        "$flower_password" "$RABBITMQ_HOST" "$RABBITMQ_PORT" "$RABBITMQ_VHOST" \
        "$flower_password" "$RABBITMQ_HOST" "$RABBITMQ_MANAGEMENT_PORT" > "$SHOP_VAR/env/flower.env"
    umask 022
}
