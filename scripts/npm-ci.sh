#!/usr/bin/env bash
# `npm ci` with the npm 10 that scripts/setup.sh installs (see there why), on Node 24.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
exec "$root/.tools/node24/bin/node" "$root/.tools/npm10/bin/npm-cli.js" ci --no-audit --no-fund "$@"
