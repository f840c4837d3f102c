#!/usr/bin/env python3
"""A harvester's walk through a CKAN site, with Python's standard library.

It makes the calls a harvester makes: ckanext-harvest's CKANHarvester
pages through package_search with rows and start, sorted by id, with GET
and a query string; ckanapi POSTs a JSON object for every action. This
script does both: status_show, package_list, package_search page by page,
package_show for each dataset, organization_list (all_fields) and
group_list with organization_show and group_show, resource_show for every
resource, the download of every resource URL, and datastore_search paged
through its _links for each datastore resource. It checks that the
answers agree with each other (counts, ids, sizes, checksums, rows) and
prints a JSON summary; on the first disagreement it says what and exits 1.

usage: harvest.py API_BASE [PUBLIC_BASE]

  API_BASE     where to send the requests, e.g. http://127.0.0.1:8080
  PUBLIC_BASE  the base URL the site writes in its links, if it differs
               (a URL under it is fetched from API_BASE instead)
"""

import csv
import hashlib
import io
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


class Disagreement(Exception):
    pass


def check(ok, what):
    if not ok:
        raise Disagreement(what)


class Site:
    def __init__(self, api, public):
        self.api = api.rstrip("/")
        self.public = public.rstrip("/")
        self.requests = 0

    def local(self, url):
        if url.startswith(self.public):
            return self.api + url[len(self.public):]
        if url.startswith("/"):
            return self.api + url
        return url

    def fetch(self, req):
        self.requests += 1
        try:
            with urllib.request.urlopen(req, timeout=60) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def envelope(self, action, status, body):
        check(status == 200, f"{action}: HTTP {status}: {body[:300]!r}")
        doc = json.loads(body)
        check(doc.get("success") is True, f"{action}: success is {doc.get('success')!r}")
        check(doc.get("help", "").endswith("/api/3/action/help_show?name=" + action),
              f"{action}: help is {doc.get('help')!r}")
        return doc["result"]

    def get(self, action, **params):
        """A GET with a query string, as CKANHarvester sends."""
        url = f"{self.api}/api/3/action/{action}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        return self.envelope(action, *self.fetch(urllib.request.Request(url)))

    def post(self, action, **data):
        """A POST with a JSON object, as ckanapi sends."""
        req = urllib.request.Request(
            f"{self.api}/api/3/action/{action}",
            data=json.dumps(data).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        return self.envelope(action, *self.fetch(req))

    def download(self, url):
        status, body = self.fetch(urllib.request.Request(self.local(url)))
        check(status == 200, f"download {url}: HTTP {status}")
        return body


def harvest(site, rows=2, datastore_limit=3):
    summary = {}
    status = site.get("status_show")
    check("datastore" in status.get("extensions", []), "status_show: no datastore extension")

    names = site.get("package_list")
    check(names == sorted(names), "package_list is not sorted")

    # CKANHarvester._search_for_datasets: rows, start, sort=id asc, until an
    # empty page; duplicates would mean the paging is broken.
    found, start, count = [], 0, None
    while True:
        page = site.get("package_search", rows=rows, start=start, sort="id asc")
        if count is None:
            count = page["count"]
        check(page["count"] == count, f"package_search: count changed from {count} to {page['count']}")
        check(len(page["results"]) <= rows, f"package_search: {len(page['results'])} results for rows={rows}")
        if not page["results"]:
            break
        found.extend(page["results"])
        start += rows
    ids = [p["id"] for p in found]
    check(len(ids) == len(set(ids)), "package_search: a dataset came twice while paging")
    check(ids == sorted(ids), "package_search: not sorted by id")
    check(len(found) == count, f"package_search: count {count}, paged through {len(found)}")
    check(sorted(p["name"] for p in found) == names, "package_search and package_list list different datasets")
    summary["packages"] = len(found)

    resources = []
    for p in found:
        shown = site.post("package_show", id=p["name"])
        check(shown == p, f"package_show {p['name']} differs from its package_search result")
        check(shown["num_resources"] == len(shown["resources"]), f"{p['name']}: num_resources")
        check(shown["num_tags"] == len(shown["tags"]), f"{p['name']}: num_tags")
        check(shown["owner_org"] == shown["organization"]["id"], f"{p['name']}: owner_org")
        for r in shown["resources"]:
            check(r["package_id"] == shown["id"], f"{r['id']}: package_id")
            resources.append(r)

    orgs = site.post("organization_list", all_fields=True)
    check(sum(o["package_count"] for o in orgs) == count, "organizations' package_count do not add up to count")
    for o in orgs:
        shown = site.post("organization_show", id=o["name"])
        check(shown["package_count"] == o["package_count"], f"organization {o['name']}: package_count")
        n = site.get("package_search", fq=f'organization:"{o["name"]}"', rows=0)["count"]
        check(n == o["package_count"], f"organization {o['name']}: {n} datasets found, package_count {o['package_count']}")
    summary["organizations"] = len(orgs)

    groups = site.get("group_list")
    for g in groups:
        shown = site.get("group_show", id=g)
        n = site.post("package_search", fq=f"groups:{g}", rows=0)["count"]
        check(n == shown["package_count"], f"group {g}: {n} datasets found, package_count {shown['package_count']}")
    summary["groups"] = len(groups)

    downloaded = 0
    records = 0
    for r in resources:
        check(site.get("resource_show", id=r["id"]) == r, f"resource_show {r['id']} differs from package_show")
        body = site.download(r["url"])
        downloaded += len(body)
        if r["size"] is not None:
            check(len(body) == r["size"], f"{r['url']}: {len(body)} bytes, size says {r['size']}")
        if r["hash"]:
            check(hashlib.sha256(body).hexdigest() == r["hash"], f"{r['url']}: the checksum differs from hash")
        if r["datastore_active"] and r["format"] == "CSV":
            rows_in_csv = len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1
            records += datastore_walk(site, r["id"], rows_in_csv, datastore_limit)
    summary["resources"] = len(resources)
    summary["downloaded_bytes"] = downloaded
    summary["datastore_records"] = records
    summary["requests"] = site.requests
    return summary


def datastore_walk(site, resource_id, want, limit):
    """Pages through a resource's records by following _links.next."""
    first = site.get("datastore_search", resource_id=resource_id, limit=limit)
    total = first["total"]
    check(total == want, f"datastore {resource_id}: total {total}, the CSV has {want} rows")
    check(first["fields"][0] == {"id": "_id", "type": "int"}, f"datastore {resource_id}: _id is not the first field")
    got, page = [], first
    while page["records"]:
        got.extend(page["records"])
        status, body = site.fetch(urllib.request.Request(site.local(page["_links"]["next"])))
        page = site.envelope("datastore_search", status, body)
    check([r["_id"] for r in got] == list(range(1, total + 1)), f"datastore {resource_id}: _id is not 1..{total}")
    return len(got)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    site = Site(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else sys.argv[1])
    try:
        summary = harvest(site)
    except Disagreement as e:
        print(f"harvest: {e}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
