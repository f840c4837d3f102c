package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ckanParams are an action's parameters as read from the request: strings
// from a query string, any JSON value from a POSTed object. The accessors
// validate them as CKAN's schemas do and fail with CKAN's messages.
type ckanParams map[string]any

// str is the parameter as text: a string as is, a number or boolean as
// written; "" when missing or null.
func (p ckanParams) str(key string) string {
	switch v := p[key].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []any:
		if len(v) > 0 {
			return ckanParams{key: v[0]}.str(key)
		}
	}
	return ""
}

// required is a parameter that must be given (CKAN's get_or_bust).
func (p ckanParams) required(key string) (string, error) {
	v := strings.TrimSpace(p.str(key))
	if v == "" {
		return "", ckanInvalid(key, "Missing value")
	}
	return v, nil
}

// natural is a whole number >= 0 (CKAN's natural_number_validator), def
// when missing.
func (p ckanParams) natural(key string, def int) (int, error) {
	s := strings.TrimSpace(p.str(key))
	if _, ok := p[key]; !ok || s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int(f)) {
			n, err = int(f), nil
		}
	}
	if err != nil || n < 0 {
		return 0, ckanInvalid(key, "Must be a natural number")
	}
	return n, nil
}

// integer is a whole number (CKAN's int_validator), def when missing.
func (p ckanParams) integer(key string, def int) (int, error) {
	s := strings.TrimSpace(p.str(key))
	if _, ok := p[key]; !ok || s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, ckanInvalid(key, "Invalid integer")
	}
	return n, nil
}

// boolean reads CKAN's asbool spellings (true, yes, on, 1, ...), def when
// missing.
func (p ckanParams) boolean(key string, def bool) (bool, error) {
	if b, ok := p[key].(bool); ok {
		return b, nil
	}
	s := strings.ToLower(strings.TrimSpace(p.str(key)))
	switch s {
	case "":
		return def, nil
	case "true", "yes", "on", "y", "t", "1":
		return true, nil
	case "false", "no", "off", "n", "f", "0":
		return false, nil
	}
	return false, ckanInvalid(key, fmt.Sprintf("String is not true/false: %q", s))
}

// list is a list of strings given as a JSON list, as a JSON list in a
// string (facet.field=["tags"]), as the repeated key of a query string or,
// when commas is set, as a comma-separated string (fields=a,b). nil when
// missing.
func (p ckanParams) list(key string, commas bool) ([]string, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return nil, nil
	}
	if s, isStr := v.(string); isStr {
		t := strings.TrimSpace(s)
		if t == "" {
			return nil, nil
		}
		var parsed any
		if strings.HasPrefix(t, "[") && json.Unmarshal([]byte(t), &parsed) == nil {
			v = parsed
		} else if commas {
			var out []string
			for _, part := range strings.Split(t, ",") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
			return out, nil
		} else {
			return nil, ckanInvalid(key, "Not a list")
		}
	}
	items, isList := v.([]any)
	if !isList {
		return nil, ckanInvalid(key, "Not a list")
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, isStr := it.(string)
		if !isStr {
			return nil, ckanInvalid(key, fmt.Sprintf("Not a string: %v", it))
		}
		out = append(out, s)
	}
	return out, nil
}

// object is a JSON object given as such or as JSON text
// (filters={"a":"b"}); nil when missing.
func (p ckanParams) object(key string) (map[string]any, error) {
	switch v := p[key].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, nil
		}
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return nil, ckanInvalid(key, "Cannot parse JSON")
		}
		return obj, nil
	}
	return nil, ckanInvalid(key, "Cannot parse JSON")
}

// page reads CKAN's limit and offset (natural numbers, no limit when
// missing) and applies them to n items.
func (p ckanParams) page(n int) (lo, hi int, err error) {
	limit, err := p.natural("limit", 0)
	if err != nil {
		return 0, 0, err
	}
	offset, err := p.natural("offset", 0)
	if err != nil {
		return 0, 0, err
	}
	lo = min(offset, n)
	hi = n
	if limit > 0 {
		hi = min(lo+limit, n)
	}
	return lo, hi, nil
}
