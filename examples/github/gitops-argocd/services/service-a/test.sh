#!/bin/sh
# Unit tests of the service's content; a failure stops the image build.
set -e
grep -q '"Status":"Success"' /www/health
grep -q '"version"' /www/version
test "$(cat /www/ping)" = pong
echo "unit tests passed"
