#!/usr/bin/env bash
# Copies the built browser libraries from node_modules (npm ci, pinned by
# package-lock.json) into web/static, where they are embedded in the
# binary. Run after changing a version in package.json; commit the result.
# web/vendor_test.go checks that the copies equal what npm installs.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
dist=node_modules/maplibre-gl/dist
for f in maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl.css; do
	cp "$dist/$f" "../static/$f"
done
