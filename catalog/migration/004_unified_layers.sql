-- Unified GIS layers (統合レイヤー): each is a definition (geo.MergeDef as
-- JSON) over published datasets. The merged features are not stored: they
-- are rebuilt from the sources' current versions when those change.
CREATE TABLE unified_layers (
	slug       TEXT PRIMARY KEY,
	title      TEXT NOT NULL,
	definition TEXT NOT NULL,            -- JSON, as geo.ParseMergeDef reads it
	updated    TEXT NOT NULL,            -- RFC 3339 UTC
	actor      TEXT NOT NULL DEFAULT ''
);

-- Where a GIS layer version's geometry came from: the original file's
-- format and coordinate system (declared on upload, detected from a .prj,
-- or assumed), so that its conversion to WGS 84 can be explained and redone
-- from the original file, which the version keeps.
CREATE TABLE layer_sources (
	version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
	format     TEXT NOT NULL,            -- geojson, shapefile, csv
	epsg       INTEGER NOT NULL,         -- the original coordinates' system
	crs_name   TEXT NOT NULL,
	crs_from   TEXT NOT NULL,            -- declared, detected, assumed
	encoding   TEXT NOT NULL DEFAULT '', -- the attributes' text encoding
	members    TEXT NOT NULL DEFAULT '[]' -- for a zip, the entries read (JSON array)
);
