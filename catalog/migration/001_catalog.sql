-- The catalog: departments, datasets, their immutable versions and the
-- records of each version. Records belong to a version, not to a dataset, so
-- publishing, restoring and withdrawing only move a pointer.

CREATE TABLE departments (
	code    TEXT PRIMARY KEY,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	email   TEXT NOT NULL DEFAULT '',
	phone   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE datasets (
	id              INTEGER PRIMARY KEY,
	slug            TEXT NOT NULL UNIQUE,
	title_ja        TEXT NOT NULL,
	title_en        TEXT NOT NULL DEFAULT '',
	description_ja  TEXT NOT NULL DEFAULT '',
	description_en  TEXT NOT NULL DEFAULT '',
	kind            TEXT NOT NULL,
	department      TEXT NOT NULL REFERENCES departments(code),
	keywords        TEXT NOT NULL DEFAULT '[]', -- JSON array
	themes          TEXT NOT NULL DEFAULT '[]', -- JSON array of theme codes
	license         TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'draft',
	issued          TEXT NOT NULL,              -- RFC 3339 UTC
	modified        TEXT NOT NULL,
	frequency       TEXT NOT NULL DEFAULT '',
	spatial         TEXT,                       -- JSON [minLon,minLat,maxLon,maxLat]
	temporal_start  TEXT NOT NULL DEFAULT '',
	temporal_end    TEXT NOT NULL DEFAULT '',
	contact         TEXT NOT NULL DEFAULT '{}', -- JSON object
	standard        TEXT NOT NULL DEFAULT '',
	current_version INTEGER NOT NULL DEFAULT 0,
	downloads       INTEGER NOT NULL DEFAULT 0,
	-- NFKC-folded text of the searchable metadata, for q= until the search
	-- index answers it.
	search_text     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX datasets_kind ON datasets(kind);
CREATE INDEX datasets_department ON datasets(department);

CREATE TABLE versions (
	id            INTEGER PRIMARY KEY,
	dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
	number        INTEGER NOT NULL,
	created       TEXT NOT NULL,
	published     TEXT,                       -- when first published; drafts are NULL and never public
	actor         TEXT NOT NULL DEFAULT '',
	note          TEXT NOT NULL DEFAULT '',
	encoding      TEXT NOT NULL DEFAULT '',
	columns       TEXT NOT NULL DEFAULT '[]', -- JSON array of {name,type,derived}
	row_count     INTEGER NOT NULL DEFAULT 0,
	refused       INTEGER NOT NULL DEFAULT 0,
	problems      TEXT NOT NULL DEFAULT '[]', -- JSON array of problems (at most a few hundred kept)
	has_geometry  INTEGER NOT NULL DEFAULT 0,
	bbox          TEXT,
	UNIQUE (dataset_id, number)
);

-- The files of a version, as uploaded; the bytes live on disk under
-- files/ addressed by their SHA-256.
CREATE TABLE version_files (
	version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	name       TEXT NOT NULL,
	sha256     TEXT NOT NULL,
	size       INTEGER NOT NULL,
	media_type TEXT NOT NULL,
	role       TEXT NOT NULL, -- data, metadata, image
	PRIMARY KEY (version_id, position)
);

-- One row per record of a version. props is the record as a JSON object in
-- column order with typed values, so JSON and GeoJSON exports copy it as is.
CREATE TABLE records (
	version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
	row        INTEGER NOT NULL,
	line       INTEGER NOT NULL,
	props      TEXT NOT NULL,
	fields     TEXT,          -- typed fields of the standard kinds, JSON
	geom       TEXT,          -- GeoJSON geometry, WGS 84
	minx REAL, miny REAL, maxx REAL, maxy REAL,
	PRIMARY KEY (version_id, row)
) WITHOUT ROWID;

-- Generated downloads of a version, filled after publishing.
CREATE TABLE distributions (
	version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
	format     TEXT NOT NULL,
	size       INTEGER NOT NULL,
	sha256     TEXT NOT NULL,
	PRIMARY KEY (version_id, format)
);
