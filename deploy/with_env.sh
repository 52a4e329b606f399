#!/usr/bin/env bash
# with_env.sh FILE COMMAND...: run COMMAND with the variables of FILE (KEY=VALUE lines).
set -euo pipefail
set -a
# shellcheck source=/dev/null
. "$1"
set +a
shift
exec "$@"
