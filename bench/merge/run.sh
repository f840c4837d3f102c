#!/usr/bin/env bash
# Layer merge benchmark (issue 5), side by side in one run on the same inputs:
# 5 GeoJSON point layers, N features in total (1,000,000 by default), merged by
#   1. the portal's geo.Merge (bench/merge run: read, map attributes, check and
#      repair geometries, add provenance, write GeoJSON; conflation off)
#   2. GDAL's ogrmerge.py -single (Debian python3-gdal)
#   3. mapshaper -i combine-files … -merge-layers force (npm mapshaper; force
#      because each layer names its name column differently)
# then checks that each output has the same feature count and coordinates.
# Needs: python3-gdal (/usr/bin/ogrmerge.py), node with mapshaper (set MAPSHAPER
# to its binary, e.g. after `npm i mapshaper` in a temp dir), GNU time.
# Usage: bench/merge/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000000}
mapshaper=${MAPSHAPER:-mapshaper}
ogrmerge=${OGRMERGE:-/usr/bin/ogrmerge.py}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/merge" ./bench/merge
"$work/merge" gen -dir "$work" -n "$n"
layers=("$work"/layer1.geojson "$work"/layer2.geojson "$work"/layer3.geojson "$work"/layer4.geojson "$work"/layer5.geojson)
echo "input: 5 layers, $n points, $(du -cm "${layers[@]}" | tail -1 | cut -f1) MB"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $(/usr/bin/python3 -c 'from osgeo import gdal; print("GDAL", gdal.__version__)'), mapshaper $("$mapshaper" -v)"

t() { /usr/bin/time -f "$1: %e s elapsed, %M KB max RSS" "${@:2}"; }
t portal "$work/merge" run -o "$work/portal.geojson" "${layers[@]}"
t ogrmerge /usr/bin/python3 "$ogrmerge" -single -f GeoJSON -o "$work/ogr.geojson" "${layers[@]}"
t mapshaper "$mapshaper" -quiet -i combine-files "${layers[@]}" -merge-layers force -o "$work/mapshaper.geojson"

"$work/merge" compare "$work/portal.geojson" "$work/ogr.geojson"
"$work/merge" compare "$work/portal.geojson" "$work/mapshaper.geojson"
