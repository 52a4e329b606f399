#!/bin/sh
# Redis with one ACL user per service, each limited to its own key prefix (as `up` does).
set -eu
acl=/tmp/users.acl
echo "user default off" > "$acl"
for service in auth inventory orders notifications; do
    password=$(printenv "$(echo "$service" | tr a-z A-Z)_REDIS_PASSWORD")
    echo "user shop_$service on >$password ~$service:* &$service:* +@all -@admin -@dangerous" >> "$acl"
done
exec redis-server --aclfile "$acl" --appendonly yes --hz 1  # housekeeping once a second (deploy/lib/provision.sh)
