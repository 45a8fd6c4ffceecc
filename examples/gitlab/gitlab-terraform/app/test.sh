#!/bin/sh
# The API's unit tests (a stand-in: the real project runs its test runner here).
set -e
test "$(echo stagecraft | rev 2>/dev/null || echo tfarcegats)" = tfarcegats
echo "unit tests passed"
