"""Read every collection of an OGC API - Features service with OWSLib.

Usage: python3 owslib_pages.py URL [LIMIT]

URL is the landing page. The script lists the feature collections with
owslib.ogcapi.features.Features, then pages through each collection's items
by following its "next" links (their limit and offset go back through
Features.collection_items, as an OWSLib user would page), and prints one JSON
object on stdout: for each collection, the numberMatched of its first page,
how many features it read, over how many pages, how many distinct ids, and
its first feature. It exits non-zero when a page breaks the standard's
promises (numberReturned differs from the features in the page, a next link
without features after it).
"""

import json
import sys
from urllib.parse import parse_qs, urlparse

from owslib.ogcapi.features import Features


def next_params(page):
    """The query parameters of the page's next link, or None."""
    for link in page.get("links", []):
        if link.get("rel") == "next":
            query = parse_qs(urlparse(link["href"]).query)
            return {k: v[0] for k, v in query.items()}
    return None


def main():
    url = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    api = Features(url)
    out = {"conformance": api.conformance()["conformsTo"], "collections": {}}
    for cid in api.feature_collections():
        params = {"limit": limit}
        matched, ids, pages, first = None, [], 0, None
        while params is not None:
            page = api.collection_items(cid, **params)
            pages += 1
            features = page["features"]
            if page["numberReturned"] != len(features):
                sys.exit(f"{cid} page {pages}: numberReturned {page['numberReturned']}, {len(features)} features")
            if matched is None:
                matched = page["numberMatched"]
                first = features[0] if features else None
            ids.extend(f["id"] for f in features)
            params = next_params(page)
            if params is not None and not features:
                sys.exit(f"{cid} page {pages}: a next link after an empty page")
        out["collections"][cid] = {
            "matched": matched,
            "read": len(ids),
            "distinct": len(set(ids)),
            "pages": pages,
            "first": first,
        }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
