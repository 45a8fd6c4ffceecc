#!/usr/bin/env bash
# npm run demo: installs what it lacks (like the tests), then runs the whole promotion locally.
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
bash scripts/seed-busybox.sh
exec node scripts/run-ts.mjs demo/demo.ts
