#!/usr/bin/env bash
# Real-browser test of the explorer page (/explore); see scripts/browser-test.sh.
#   scripts/browser-test-explorer.sh [SERVER_BINARY] [EXTRA SERVER ARGS...]
PAGE=explorer exec bash "$(dirname "${BASH_SOURCE[0]}")/browser-test.sh" "$@"
