#!/bin/bash
# Runs once in the postgres container's first start: the same provisioning as `up`
# (deploy/lib/provision.sh), with passwords from the container's environment.
set -euo pipefail
. /shop/deploy/lib/common.sh
. /shop/deploy/lib/provision.sh
secret() { printenv "$1"; }
as_user() { shift; "$@"; }  # already the postgres user here
log() { echo "$*"; }
provision_postgres
