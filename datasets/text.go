package datasets

import "golang.org/x/text/unicode/norm"

// normalizeWidth folds full-width letters, digits and signs and half-width katakana.
func normalizeWidth(s string) string { return norm.NFKC.String(s) }
