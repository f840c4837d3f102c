#!/usr/bin/env bash
# OGC API items vs pg_featureserv on PostGIS (issue 5's target: at least 2x
# pg_featureserv's requests/s for the same collection and query, 50 clients).
#
# Same N-point layer in both (bench/gencsv: ID, 名称, 種別, 住所, 緯度, 経度, 定員):
#   portal:          portal import  -> /ogc/collections/points/items
#   pg_featureserv:  ogr2ogr -> PostGIS table points (GiST index, VACUUM
#                    ANALYZE) -> /collections/public.points/items.json
# Queries: (a) limit=100  (b) limit=100 and a ~1 km² bbox  (c) limit=100&offset=5000.
# pg_featureserv is asked with sortby=ogc_fid: the portal always answers in
# row order, and PostgreSQL without ORDER BY may not (synchronized seq scans),
# so that both return the same features; check.py verifies it. Its default
# (no sortby) is measured too, as "pg_featureserv (no sortby)".
# Both servers run side by side for the whole run; the runs alternate
# (order reversed every repetition), REPS times; each run is bench/ogc/load
# at 50 clients for DUR, which also reads the CPU seconds of the portal, of
# pg_featureserv and of PostgreSQL (postmaster and backends) in the window.
#
# Needs (Debian): postgresql postgis gdal-bin python3 curl; go. Run as root
# (PostgreSQL runs as the postgres user) or as a user that may run initdb.
# pg_featureserv is built from source in $WORK/src (git clone of
# github.com/CrunchyData/pg_featureserv unless it is there) with
# github.com/jackc/puddle@v1.1.0 (its pinned pool deadlocks when clients time out).
# Everything is kept in $WORK (default /tmp/pgfs) so that a re-run skips the
# setup: the cluster, the build, the CSV, both loads.
# Usage: bench/ogc/run.sh [ROWS]   (env: WORK, DUR=20s, WARMUP=20s, REPS=3, CLIENTS=50)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
work=${WORK:-/tmp/pgfs}
dur=${DUR:-20s}
reps=${REPS:-3}
clients=${CLIENTS:-50}
# The portal answers these queries in seconds at 50 clients: a warm-up at
# least that long puts the clients out of step before the window opens.
warmup=${WARMUP:-20s}
pgport=54329
pport=18941 fport=18942
mkdir -p "$work/bin"
pids=()
stop_pg=""
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -n "$stop_pg" ]; then $stop_pg >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
aspg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psqlc() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$pgport" -U postgres -X -q -t -A "$@"; }

echo "== setup"
# PostgreSQL cluster in $work/db, trust on loopback.
if [ ! -f "$work/db/data/PG_VERSION" ]; then
	mkdir -p "$work/db"
	[ "$(id -u)" = 0 ] && chown postgres "$work/db"
	aspg "$pgbin/initdb" -D "$work/db/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$work/initdb.log"
fi
if ! aspg "$pgbin/pg_ctl" -D "$work/db/data" status >/dev/null 2>&1; then
	aspg "$pgbin/pg_ctl" -D "$work/db/data" -l "$work/db/log" -w \
		-o "-p $pgport -k $work/db -c listen_addresses=127.0.0.1" start >/dev/null
	stop_pg="aspg $pgbin/pg_ctl -D $work/db/data -m fast stop"
fi
psqlc -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'pgfs'" | grep -q 1 ||
	psqlc -d postgres -c "CREATE DATABASE pgfs"
psqlc -d pgfs -c "CREATE EXTENSION IF NOT EXISTS postgis"

# pg_featureserv from source, puddle pinned to v1.1.0.
if [ ! -x "$work/pg_featureserv" ]; then
	if [ ! -d "$work/src" ]; then
		git clone -q https://github.com/CrunchyData/pg_featureserv "$work/src"
		git -C "$work/src" rev-parse HEAD >"$work/src/.commit"
	fi
	(cd "$work/src" && GOFLAGS=-mod=mod go get github.com/jackc/puddle@v1.1.0 &&
		GOFLAGS=-mod=mod go build -o "$work/pg_featureserv" .)
fi

# The tree may be mid-edit: then the previous build is used, and said so.
if ! go build -o "$work/bin/portal.new" ./cmd/portal; then
	[ -x "$work/bin/portal" ] || exit 1
	echo "warning: ./cmd/portal does not build now; using $work/bin/portal built $(date -u -r "$work/bin/portal" '+%F %T UTC')"
else
	mv "$work/bin/portal.new" "$work/bin/portal"
fi
go build -o "$work/bin/gencsv" ./bench/gencsv
go build -o "$work/bin/load" ./bench/ogc/load
csv=$work/points-$rows.csv
[ -f "$csv" ] || "$work/bin/gencsv" -rows "$rows" -o "$csv"

wait_for() { # log file, pattern
	for _ in $(seq 150); do grep -q "$2" "$1" 2>/dev/null && return; sleep 0.2; done
	echo "server did not start: $1" >&2; cat "$1" >&2; exit 1
}
data=$work/data-$rows
if [ ! -f "$data/imported" ]; then
	rm -rf "$data"
	# Start once so that the demo (and its departments) exist.
	"$work/bin/portal" --addr 127.0.0.1:$pport --data "$data" 2>"$work/serve0.log" &
	p=$!
	wait_for "$work/serve0.log" "listening on"
	kill "$p"; wait "$p" || true
	"$work/bin/portal" import --data "$data" --department shisan --kind table --slug points "$csv"
	touch "$data/imported"
fi
if [ "$(psqlc -d pgfs -c "SELECT count(*) FROM points" 2>/dev/null || echo 0)" != "$rows" ]; then
	ogr2ogr -overwrite -f PostgreSQL PG:"host=127.0.0.1 port=$pgport user=postgres dbname=pgfs" "$csv" \
		-oo X_POSSIBLE_NAMES=経度 -oo Y_POSSIBLE_NAMES=緯度 -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 \
		-nln points -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST
	psqlc -d pgfs -c "VACUUM ANALYZE points"
fi

cat >"$work/pgfs.toml" <<TOML
[Server]
HttpHost = "127.0.0.1"
HttpPort = $fport
AssetsPath = "$work/src/assets"
[Database]
DbConnection = "postgresql://postgres@127.0.0.1:$pgport/pgfs"
[Paging]
LimitMax = 10000
TOML

echo "== servers"
"$work/bin/portal" --addr 127.0.0.1:$pport --data "$data" 2>"$work/serve.log" &
portal=$!; pids+=("$portal")
"$work/pg_featureserv" --config "$work/pgfs.toml" >"$work/pgfs.log" 2>&1 &
pgfs=$!; pids+=("$pgfs")
wait_for "$work/serve.log" "listening on"
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$fport/collections.json && break; sleep 0.2; done
postmaster=$(head -1 "$work/db/data/postmaster.pid")
echo "machine: $(nproc) cores (shared with other jobs), $(go version | cut -d' ' -f3), $("$pgbin/postgres" --version),"\
	"PostGIS $(psqlc -d pgfs -c 'SELECT postgis_lib_version()'), pg_featureserv $(cut -c1-7 "$work/src/.commit" 2>/dev/null || echo '?')"\
	"+ puddle v1.1.0, pool $(grep -o 'DbPoolMaxConns", [0-9]*' "$work/src/internal/conf/config.go" | grep -o '[0-9]*$' || echo '?') connections (default)"

bbox=139.55,35.70,139.561,35.709 # 0.011° x 0.009°, about 1.0 km x 1.0 km
P=http://127.0.0.1:$pport/ogc/collections/points/items
F=http://127.0.0.1:$fport/collections/public.points/items.json
declare -A qs=([a]="limit=100" [b]="limit=100&bbox=$bbox" [c]="limit=100&offset=5000")
url() { # server query
	case $1 in
	portal) echo "$P?${qs[$2]}" ;;
	pgfs) echo "$F?${qs[$2]}&sortby=ogc_fid" ;;
	pgfs-nosort) echo "$F?${qs[$2]}" ;;
	esac
}

echo "== same answers"
for q in a b c; do
	curl -sf -o "$work/check-portal.json" "$(url portal $q)"
	curl -sf -o "$work/check-pgfs.json" "$(url pgfs $q)"
	python3 bench/ogc/check.py "$q" "$work/check-portal.json" "$work/check-pgfs.json" || true
done

echo "== load: $clients clients, $dur a run after $warmup of warm-up, $reps repetitions, alternating"
results=$work/results-$rows.txt
: >"$results"
servers=(portal pgfs pgfs-nosort)
for rep in $(seq "$reps"); do
	order=("${servers[@]}")
	[ $((rep % 2)) = 0 ] && order=(pgfs-nosort pgfs portal)
	for q in a b c; do
		for s in "${order[@]}"; do
			line=$("$work/bin/load" -c "$clients" -d "$dur" -warmup "$warmup" -cpu portal=$portal -cpu pgfs=$pgfs -cpu postgres=$postmaster "$(url $s $q)")
			echo "rep=$rep query=$q server=$s $line" | tee -a "$results"
		done
	done
done

echo "== summary (median of the repetitions; CPU: the server's process, for pg_featureserv plus PostgreSQL's)"
python3 - "$results" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    runs.setdefault((kv["query"], kv["server"]), []).append(kv)
names = {"portal": "portal", "pgfs": "pg_featureserv (sortby=ogc_fid)", "pgfs-nosort": "pg_featureserv (no sortby)"}
qnames = {"a": "(a) limit=100", "b": "(b) bbox ~1 km², limit=100", "c": "(c) limit=100&offset=5000"}
ms = lambda v: float(v.rstrip("ms")) if v != "-" else float("nan")
print("| query | server | req/s (runs) | p50 ms | p99 ms | errors | server CPU s / run | CPU ms / request |")
print("|---|---|---|---|---|---|---|---|")
med = {}
for q in "abc":
    for s in names:
        rs = runs.get((q, s), [])
        if not rs:
            continue
        rps = [float(r["rps"]) for r in rs]
        cpu = [float(r["cpu_portal"]) if s == "portal" else float(r["cpu_pgfs"]) + float(r["cpu_postgres"]) for r in rs]
        req = [int(r["requests"]) for r in rs]
        med[q, s] = statistics.median(rps)
        cpus = " + ".join(f"{statistics.median(float(r[k]) for r in rs):.1f}" for k in (["cpu_portal"] if s == "portal" else ["cpu_pgfs", "cpu_postgres"]))
        print(f"| {qnames[q]} | {names[s]} | **{statistics.median(rps):,.1f}** ({', '.join(f'{x:,.1f}' for x in rps)}) "
              f"| {statistics.median(ms(r['p50']) for r in rs):.1f} | {statistics.median(ms(r['p99']) for r in rs):.1f} "
              f"| {sum(int(r['errors']) for r in rs)} | {cpus} | {1000 * sum(cpu) / max(1, sum(req)):.2f} |")
print()
for q in "abc":
    if (q, "portal") in med and (q, "pgfs") in med:
        print(f"{qnames[q]}: portal / pg_featureserv = {med[q, 'portal'] / med[q, 'pgfs']:.3f}x req/s (target >= 2x)")
PY
