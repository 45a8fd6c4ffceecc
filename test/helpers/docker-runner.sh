#!/usr/bin/env bash
# The docker CLI as a GitLab runner set up for buildah jobs runs it ([runners.docker] in
# config.toml: cap_add = ["SYS_ADMIN"], security_opt = ["seccomp:unconfined"]; buildah's chroot
# isolation needs a mount namespace). gitlab-ci-local has no such options (its --privileged asks
# for every capability, which this sandbox cannot grant), so it is given this as
# --container-executable: the containers it creates get the two settings, nothing else changes.
set -euo pipefail
if [ "${1:-}" = create ]; then
  shift
  exec docker create --cap-add SYS_ADMIN --security-opt seccomp=unconfined "$@"
fi
exec docker "$@"
