#!/usr/bin/env bash
# Install everything and start the web chat on http://127.0.0.1:7860 (sample report ingested on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/reportqa serve "$@"
