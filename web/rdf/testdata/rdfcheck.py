"""Parses RDF files with rdflib and reports, as JSON, per file: the number
of triples, whether the graph is isomorphic to the first file's, and every
literal (value, language, datatype). Format by extension: .ttl, .rdf, .jsonld.
Exit status 1 with the parser's message on a parse error."""
import json
import sys

from rdflib import Graph, Literal
from rdflib.compare import isomorphic

FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}
graphs, out = [], []
for path in sys.argv[1:]:
    g = Graph()
    try:
        g.parse(path, format=FORMATS[path.rsplit(".", 1)[1]])
    except Exception as e:  # report which file and why
        print(f"{path}: {e}", file=sys.stderr)
        sys.exit(1)
    graphs.append(g)
    literals = sorted(
        [str(o), o.language or "", str(o.datatype or "")]
        for o in g.objects() if isinstance(o, Literal))
    out.append({"file": path, "triples": len(g),
                "isomorphic": isomorphic(g, graphs[0]), "literals": literals})
print(json.dumps(out, ensure_ascii=False))
