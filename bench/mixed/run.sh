#!/usr/bin/env bash
# The load test of issue 9: 50 concurrent clients for 60 s on a mix of
# citizens' pages, searches, API calls, vector tiles and downloads, while an
# editor imports a 200,000-row CSV again and again in another process
# (`portal import`, the same path as an upload). Reads must not wait behind
# the import: SQLite runs in WAL mode and an import holds only the write
# lock. Prints the load generator's report (requests, errors, p50/p90/p99)
# and the imports done meanwhile.
# Usage: bench/mixed/run.sh [DURATION] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
dur=${1:-60s}
clients=${2:-50}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/portal" ./cmd/portal
go build -o "$work/load" ./bench/load
go build -o "$work/gencsv" ./bench/gencsv
"$work/gencsv" -rows 200000 -o "$work/big.csv"

"$work/portal" --addr 127.0.0.1:18951 --data "$work/data" 2>"$work/serve.log" &
for _ in $(seq 300); do grep -q "listening on" "$work/serve.log" && break; sleep 0.2; done
grep -q "listening on" "$work/serve.log" || { cat "$work/serve.log" >&2; exit 1; }
b=http://127.0.0.1:18951

# The mix, one URL per request in turn: pages, searches, API, tiles, downloads.
urls=(
	"$b/" "$b/datasets" "$b/datasets?q=%E5%85%AC%E5%9C%92" "$b/datasets/evacuation-spaces" "$b/map" "$b/events"
	"$b/photos" "$b/about" "$b/?lang=en"
	"$b/api/v1/search?q=%E9%81%BF%E9%9B%A3%E6%89%80" "$b/api/v1/datasets?kind=evacuation"
	"$b/api/v1/datasets/public-facilities/records?limit=20"
	"$b/api/v1/geo/nearest?lat=35.705&lon=139.565&hazard=earthquake&n=3"
	"$b/api/v1/photos?q=%E6%98%AD%E5%92%8C%E3%81%AE%E9%A7%85%E5%89%8D"
	"$b/ogc/collections/evacuation-spaces/items?f=json&limit=10"
	"$b/tiles/evacuation-spaces/12/3635/1612.mvt" "$b/tiles/shisetsu-hinanjo/12/3635/1612.mvt"
	"$b/api/v1/datasets/evacuation-spaces/data.csv" "$b/api/v1/datasets/public-facilities/data.geojson"
	"$b/api/3/action/package_search?q=%E9%81%BF%E9%9B%A3"
)
for u in "${urls[@]}"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$u")
	[ "$code" = 200 ] || { echo "check: $u answers $code" >&2; exit 1; }
done

# The editor: import the big file as new versions for the whole run.
(
	n=0
	end=$((SECONDS + ${dur%s} + 5))
	while [ $SECONDS -lt $end ]; do
		"$work/portal" import --data "$work/data" --department shisan --kind table --slug big "$work/big.csv" 2>>"$work/import.log" >/dev/null
		n=$((n + 1))
	done
	echo "imports of 200,000 rows completed during the run: $n" >"$work/imports.txt"
) &
editor=$!

"$work/load" -c "$clients" -d "$dur" -warmup 3s "${urls[@]}"
wait "$editor" || true
cat "$work/imports.txt"
grep -c imported "$work/import.log" | sed 's/^/import lines: /'
