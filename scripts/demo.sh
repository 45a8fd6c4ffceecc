#!/usr/bin/env bash
# npm run demo: installs what it lacks (like the tests), then runs the whole promotion locally.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
export PATH="$root/.tools/node24/bin:$PATH"
[ -d node_modules/esbuild ] || bash scripts/npm-ci.sh
bash scripts/seed-busybox.sh
exec node scripts/run-ts.mjs demo/demo.ts
