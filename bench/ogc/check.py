"""Compare two GeoJSON FeatureCollections (portal, pg_featureserv): the same
numberReturned and the same feature ids and coordinates, in order.
Usage: python3 check.py NAME PORTAL.json PGFS.json"""
import json
import sys

name, a, b = sys.argv[1:4]
pa, pb = json.load(open(a, encoding="utf-8")), json.load(open(b, encoding="utf-8"))


def feats(fc):
    return [(str(f["id"]), tuple(f["geometry"]["coordinates"])) for f in fc["features"]]


fa, fb = feats(pa), feats(pb)
same = fa == fb
print(f"check {name}: numberReturned portal={pa.get('numberReturned')} pg_featureserv={pb.get('numberReturned')}"
      f" (portal numberMatched={pa.get('numberMatched')}); ids {fa[0][0] if fa else '-'}..{fa[-1][0] if fa else '-'};"
      f" same ids and coordinates in order: {'yes' if same else 'NO'}"
      + ("" if same else f"; same set: {'yes' if sorted(fa) == sorted(fb) else 'no'}"))
sys.exit(0 if same else 1)
