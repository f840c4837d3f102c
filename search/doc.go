// Package search holds the search index over the catalog, its Japanese
// analysis and query handling, and the judged query set that measures it.
package search
