package catalog

import (
	"context"
	"fmt"
)

// PublicStamp summarises, in a short string, what citizens can see of the
// catalog: it changes when a dataset is published, gets a new version, is
// edited or withdrawn, when a download's size is measured and when a
// department changes. It lets a reader that keeps the public catalog in
// memory tell cheaply (one pass over the datasets' index, no JSON) whether
// to reload it. Download counters are left out: they change all the time
// and no such view shows them. Errors are internal (the database failed).
func (s *Store) PublicStamp(ctx context.Context) (string, error) {
	var stamp string
	// total(), not sum(): a float that cannot overflow. The id weighs the
	// version so that one dataset moving up a version and another down
	// does not cancel out.
	err := s.DB.QueryRowContext(ctx, `SELECT
		(SELECT count(*) || '/' || coalesce(max(modified), '') || '/' || total(id * 1000003 + current_version)
			FROM datasets WHERE status = ?) || '|' ||
		(SELECT count(*) || '/' || total(size) FROM distributions) || '|' ||
		(SELECT coalesce(group_concat(code || char(31) || name_ja || char(31) || name_en || char(31) || email || char(31) || phone, char(30)), '')
			FROM (SELECT * FROM departments ORDER BY code))`, StatusPublished).Scan(&stamp)
	if err != nil {
		return "", fmt.Errorf("public stamp: %w", err)
	}
	return stamp, nil
}
