# Sourced by test.sh and demo.sh: installs what is missing (Debian packages, Node 24, npm 10 via
# setup.sh; the npm packages via npm-ci.sh), moves to the project root and puts Node 24 first.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
export PATH="$root/.tools/node24/bin:$PATH"
[ -d node_modules/jest ] || bash scripts/npm-ci.sh
