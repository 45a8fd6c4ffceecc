#!/usr/bin/env bash
# The test command (npm test): installs what is missing, then typecheck, lint, the dist check
# and every jest suite on Node 24. Extra arguments go to jest (e.g. a path to one test file).
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
echo "node $(node --version)"
npx --no-install tsc --noEmit -p .
npx --no-install biome check src test scripts bench demo
node scripts/check-dist.mjs
node scripts/check-node-floor.mjs
results=$(mktemp)
status=0
node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js --json --outputFile="$results" "$@" || status=$?
# One plain closing line for whoever reads the log.
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" 2>/dev/null || true
rm -f "$results"
exit $status
