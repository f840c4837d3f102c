#!/usr/bin/env bash
# Benchmarks of the foundation, each beside its anchor in the same run:
#   1. import of a 1,000,000-row point CSV: portal import vs ogr2ogr -f GPKG
#   2. export of it as GeoJSON: the portal over HTTP vs ogr2ogr CSV -> GeoJSON
#   3. GET /api/v1/datasets/{id} on the demo at 50 concurrent clients
# Needs: gdal-bin (ogr2ogr), GNU time (/usr/bin/time), curl, bc.
# Usage: bench/run.sh [ROWS]   (results go to stdout; copy them to docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/portal" ./cmd/portal
go build -o "$work/gencsv" ./bench/gencsv
go build -o "$work/load" ./bench/load
"$work/gencsv" -rows "$rows" -o "$work/points.csv"
echo "input: $rows rows, $(du -m "$work/points.csv" | cut -f1) MB"

peak() { grep -E 'Elapsed|Maximum resident' "$1" | sed 's/^[[:space:]]*//' | tr '\n' ' '; echo; }

# Start once on the data folder so the demo (and its departments) exist.
start_server() {
	"$work/portal" --addr 127.0.0.1:18931 --data "$work/data" 2>"$work/serve.log" &
	server=$!
	for _ in $(seq 100); do grep -q "listening on" "$work/serve.log" && return; sleep 0.2; done
	echo "server did not start" >&2; cat "$work/serve.log" >&2; exit 1
}
start_server; kill "$server"; wait "$server" || true

echo "== import"
/usr/bin/time -v "$work/portal" import --data "$work/data" --department shisan --kind table --slug points \
	"$work/points.csv" 2>"$work/import.txt" >/dev/null
grep imported "$work/import.txt"
echo "portal import: $(peak "$work/import.txt")"
/usr/bin/time -v ogr2ogr -f GPKG "$work/points.gpkg" "$work/points.csv" \
	-oo X_POSSIBLE_NAMES=経度 -oo Y_POSSIBLE_NAMES=緯度 -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 2>"$work/ogr.txt"
echo "ogr2ogr GPKG:  $(peak "$work/ogr.txt")"

echo "== export GeoJSON"
start_server
t0=$(date +%s.%N)
curl -sf -o "$work/out.geojson" http://127.0.0.1:18931/api/v1/datasets/points/data.geojson
t1=$(date +%s.%N)
echo "portal HTTP:   $(echo "$t1 - $t0" | bc) s, $(du -m "$work/out.geojson" | cut -f1) MB, server peak RSS $(grep VmHWM /proc/$server/status | awk '{print $2}') kB"
/usr/bin/time -v ogr2ogr -f GeoJSON "$work/ogr.geojson" "$work/points.csv" \
	-oo X_POSSIBLE_NAMES=経度 -oo Y_POSSIBLE_NAMES=緯度 -oo AUTODETECT_TYPE=YES 2>"$work/ogr2.txt"
echo "ogr2ogr GeoJSON: $(peak "$work/ogr2.txt")"

echo "== GET /api/v1/datasets/{id}, 50 clients"
url=http://127.0.0.1:18931/api/v1/datasets/public-facilities
echo "unpinned, Go load generator sharing both cores with the server:"
"$work/load" -c 50 -d 30s "$url"
kill "$server"; wait "$server" || true
# The load generator needs a core of its own to measure the server and not
# itself: the server on core 0, wrk (Debian package) on core 1.
if command -v wrk >/dev/null && command -v taskset >/dev/null; then
	taskset -c 0 "$work/portal" --addr 127.0.0.1:18931 --data "$work/data" 2>"$work/serve.log" &
	server=$!
	for _ in $(seq 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.2; done
	echo "server on core 0, wrk -t1 -c50 on core 1:"
	taskset -c 1 wrk -t1 -c50 -d30s --latency "$url" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" || true
	kill "$server"; wait "$server" || true
fi
