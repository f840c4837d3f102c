-- Datasets whose search documents must be rebuilt. A row is written in the
-- same transaction as the change to the catalog and deleted once the index
-- has applied it, so a crash between the two is repaired at the next start
-- by replaying what is left.
CREATE TABLE search_outbox (
	id      INTEGER PRIMARY KEY,
	slug    TEXT NOT NULL,
	created TEXT NOT NULL
);
