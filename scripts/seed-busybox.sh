#!/usr/bin/env bash
# Makes `FROM busybox:1.36` work offline: commits the machine's static busybox as the local image
# docker.io/library/busybox:1.36 in buildah's (vfs) storage, so the examples' Dockerfiles build
# here without pulling. Idempotent; used by the demo and the example tests.
set -euo pipefail
image=docker.io/library/busybox:1.36
b=(buildah --storage-driver vfs)
if "${b[@]}" inspect --type image "$image" >/dev/null 2>&1; then exit 0; fi
ctr=$("${b[@]}" from scratch)
trap '"${b[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
"${b[@]}" copy "$ctr" /bin/busybox /bin/busybox >/dev/null
"${b[@]}" run --isolation chroot "$ctr" -- /bin/busybox --install -s /bin
"${b[@]}" config --cmd sh "$ctr"
"${b[@]}" commit --quiet "$ctr" "$image" >/dev/null
echo "seeded $image"
