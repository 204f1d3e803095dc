#!/usr/bin/env bash
# Quick start: installs what Nuage needs (scripts/install-deps.sh), builds it, and starts the whole
# cloud in this process. Arguments go to `nuage up`, e.g. --listen 0.0.0.0:5000 or --data-dir DIR.
# The cloud prints its URL and the path of its clouds.yaml (default <repo>/nuage-data/clouds.yaml).
# It runs from the repository root, so a relative --data-dir is relative to the repository.
#
# Usage: sudo bash scripts/up.sh [--data-dir DIR] [--listen HOST:PORT] [--database-url URL]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
if [ -x bin/nuage ]; then
  exec ./bin/nuage up "$@"
fi
exec node bin/nuage up "$@"
