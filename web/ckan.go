package web

// The CKAN Action API v3, read only (/api/3/action/{action}): the calls a
// harvester, ckanapi or a CKAN-aware portal makes, answered from the
// published catalog with CKAN's envelope, field names, parameter semantics
// and errors. How our nouns map onto CKAN's is in docs/ckan.md.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// ckanSiteTitle is the portal's name as templates/layout.html gives it.
const ckanSiteTitle = "みどり野市オープンデータ"

// ckanVersion is the CKAN release whose API this one follows: clients that
// check status_show's ckan_version before using a feature (datastore
// _links, organization_list all_fields) find the one they expect.
const ckanVersion = "2.11.0"

// maxCKANBody bounds a POSTed JSON body: parameters, never data.
const maxCKANBody = 1 << 20

// ckanHandler answers one action: its result (any JSON value, or a
// ckanStream), or its failure.
type ckanHandler func(c *gin.Context, p ckanParams) (any, error)

// ckanStream is a result that writes its own JSON, so that a large answer
// (every dataset, every record) is streamed instead of built in memory.
type ckanStream func(w *bufio.Writer) error

// ckanHandlerFor returns the action called name, or nil.
func (s *Server) ckanHandlerFor(name string) ckanHandler {
	switch name {
	case "package_search":
		return s.ckanPackageSearch
	case "package_show":
		return s.ckanPackageShow
	case "package_list":
		return s.ckanPackageList
	case "resource_show":
		return s.ckanResourceShow
	case "organization_list":
		return s.ckanOrganizationList
	case "organization_show":
		return s.ckanOrganizationShow
	case "group_list":
		return s.ckanGroupList
	case "group_show":
		return s.ckanGroupShow
	case "tag_list":
		return s.ckanTagList
	case "status_show":
		return s.ckanStatusShow
	case "help_show":
		return s.ckanHelpShow
	case "datastore_search":
		return s.ckanDatastoreSearch
	}
	return nil
}

// ckanHelp is what help_show says of each action.
var ckanHelp = map[string]string{
	"package_search":    "Searches for published datasets: q, fq, fq_list, sort, rows, start, facet, facet.field, facet.limit, facet.mincount. No upper limit on rows.",
	"package_show":      "Returns the metadata of a published dataset and its resources: id (the dataset's id or name, which are the same).",
	"package_list":      "Returns the names of the published datasets: limit, offset.",
	"resource_show":     "Returns the metadata of a resource: id.",
	"organization_list": "Returns the names of the organizations (the city's departments): all_fields, sort, limit, offset, organizations, q.",
	"organization_show": "Returns an organization (a department): id, include_datasets.",
	"group_list":        "Returns the names of the groups (the data themes): all_fields, sort, limit, offset, groups, q.",
	"group_show":        "Returns a group (a data theme): id, include_datasets.",
	"tag_list":          "Returns the tags of the published datasets: query, all_fields.",
	"status_show":       "Returns information about the site.",
	"help_show":         "Returns the help string of an action: name.",
	"datastore_search":  "Searches the records of a tabular resource: resource_id, q, filters, fields, sort, limit, offset, include_total, records_format (objects or lists). No upper limit on limit.",
}

// ckan answers /api/3/action/{action}: parameters from the query string or
// a POSTed JSON object (as ckanapi sends them), the result in CKAN's
// envelope {"help", "success", "result"}, or CKAN's error.
func (s *Server) ckan(c *gin.Context) {
	name := c.Param("action")
	h := s.ckanHandlerFor(name)
	if h == nil {
		if ckanWrites(name) {
			s.ckanFail(c, name, ckanDenied("this portal's CKAN API is read-only"))
			return
		}
		ckanBadRequest(c, "Action name not known: "+name)
		return
	}
	p, err := ckanRequestParams(c.Request)
	if err != nil {
		ckanBadRequest(c, "JSON Error: "+err.Error())
		return
	}
	res, err := h(c, p)
	if err != nil {
		s.ckanFail(c, name, err)
		return
	}
	// Buffered: a stream that fails before the first 64 KB are out still
	// gets a clean error answer instead of a cut connection.
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	w.WriteString(`{"help": `)
	w.Write(jsonString(s.ckanHelpURL(name)))
	w.WriteString(`, "success": true, "result": `)
	switch r := res.(type) {
	case ckanStream:
		err = r(w)
	case json.RawMessage: // rendered already (a package dict)
		_, err = w.Write(r)
	default:
		err = writeJSON(w, res)
	}
	if err != nil {
		s.ckanFail(c, name, err)
		return
	}
	w.WriteString("}\n")
	if err := w.Flush(); err != nil {
		s.log.Debug("ckan: write answer", "action", name, "err", err)
	}
}

// ckanWrites tells whether name is one of CKAN's write actions: those get
// CKAN's answer to a caller without the right, not "unknown action".
func ckanWrites(name string) bool {
	for _, suffix := range []string{"_create", "_update", "_patch", "_delete", "_purge", "_upsert", "_revise"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

func (s *Server) ckanHelpURL(action string) string {
	return s.cfg.BaseURL + "/api/3/action/help_show?name=" + url.QueryEscape(action)
}

// ckanError is a failure as CKAN reports it: the HTTP status, CKAN's
// error.__type and a message, or for a Validation Error the messages by
// parameter.
type ckanError struct {
	status  int
	typ     string
	message string
	fields  map[string][]string
}

func (e *ckanError) Error() string {
	if e.fields != nil {
		return fmt.Sprintf("%s: %v", e.typ, e.fields)
	}
	return e.typ + ": " + e.message
}

// ckanInvalid is CKAN's Validation Error (409) on one parameter.
func ckanInvalid(param, msg string) error {
	return &ckanError{status: http.StatusConflict, typ: "Validation Error", fields: map[string][]string{param: {msg}}}
}

// ckanBadQuery is CKAN's Search Query Error (400): a sort or a parameter
// the search cannot take.
func ckanBadQuery(msg string) error {
	return &ckanError{status: http.StatusBadRequest, typ: "Search Query Error", message: "Search Query is invalid: " + msg}
}

// ckanSearchFailed is CKAN's Search Error (409): what Solr refuses in a q
// or fq (bad syntax, an undefined field).
func ckanSearchFailed(msg string) error {
	return &ckanError{status: http.StatusConflict, typ: "Search Error", message: "Search error: " + msg}
}

// ckanNotFound is CKAN's Not Found Error (404).
func ckanNotFound(msg string) error {
	m := "Not found"
	if msg != "" {
		m += ": " + msg
	}
	return &ckanError{status: http.StatusNotFound, typ: "Not Found Error", message: m}
}

// ckanDenied is CKAN's Authorization Error (403).
func ckanDenied(msg string) error {
	return &ckanError{status: http.StatusForbidden, typ: "Authorization Error", message: "Access denied: " + msg}
}

// ckanErrorOf maps any failure to CKAN's kinds, in one place: errors made
// here pass through, the catalog's kinds become CKAN's nearest.
func ckanErrorOf(err error) *ckanError {
	var ce *ckanError
	if errors.As(err, &ce) {
		return ce
	}
	msg := catalog.MessageOf(err)
	switch catalog.KindOf(err) {
	case catalog.NotFound:
		return ckanNotFound(msg).(*ckanError)
	case catalog.Invalid, catalog.Conflict, catalog.TooLarge:
		// As CKAN's own ValidationError({'message': ...}).
		return &ckanError{status: http.StatusConflict, typ: "Validation Error", fields: map[string][]string{"message": {msg}}}
	case catalog.Unauthorized, catalog.Forbidden:
		return ckanDenied(msg).(*ckanError)
	case catalog.Unavailable:
		return &ckanError{status: http.StatusInternalServerError, typ: "Search Connection Error", message: "Unable to connect to the search server"}
	}
	return &ckanError{status: http.StatusInternalServerError, typ: "Internal Server Error", message: "Internal Server Error"}
}

// ckanFail writes err as CKAN does: {"help", "success": false, "error":
// {"__type", "message"}} with CKAN's status. 5xx are logged with their
// detail and answered without it. Once bytes are out the status cannot
// change, so the connection is cut (see fail).
func (s *Server) ckanFail(c *gin.Context, action string, err error) {
	if clientGone(c, err) || c.Writer.Written() {
		s.fail(c, err)
		return
	}
	e := ckanErrorOf(err)
	if e.status >= 500 {
		s.log.Error("ckan action failed", "action", action, "err", err)
	}
	body := map[string]any{"__type": e.typ}
	if e.fields != nil {
		for k, v := range e.fields {
			body[k] = v
		}
	} else {
		body["message"] = e.message
	}
	c.Header("Cache-Control", "no-store")
	writeCKAN(c, e.status, map[string]any{"help": s.ckanHelpURL(action), "success": false, "error": body})
}

// ckanBadRequest is CKAN's answer to a request it cannot read at all (an
// unknown action, a body that is not a JSON object): 400 and a JSON
// string, not the envelope.
func ckanBadRequest(c *gin.Context, msg string) {
	writeCKAN(c, http.StatusBadRequest, "Bad request: "+msg)
}

func writeCKAN(c *gin.Context, status int, v any) {
	var buf bytes.Buffer
	writeJSON(&buf, v)
	c.Data(status, "application/json; charset=utf-8", buf.Bytes())
}

// writeJSON encodes v as the API writes JSON ("&" in a URL stays "&"),
// without the encoder's newline: v may be a part of the answer.
func writeJSON(w io.Writer, v any) error {
	b, err := marshalJSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(bytes.TrimSuffix(b, []byte("\n")))
	return err
}

// jsonString is s as a JSON string.
func jsonString(s string) []byte {
	var buf bytes.Buffer
	writeJSON(&buf, s)
	return buf.Bytes()
}

// ckanRequestParams reads an action's parameters as CKAN does for its read
// actions: a POST's form or JSON object, else the query string, where a key
// given more than once becomes a list. JSON numbers stay json.Number, so
// that rows=10 and "rows": 10 read alike.
func ckanRequestParams(r *http.Request) (ckanParams, error) {
	p := ckanParams{}
	if r.Method == http.MethodPost {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		body, err := io.ReadAll(io.LimitReader(r.Body, maxCKANBody+1))
		if err != nil {
			return nil, err
		}
		if len(body) > maxCKANBody {
			return nil, errors.New("the request body is larger than 1 MB")
		}
		if mt == "application/x-www-form-urlencoded" && len(body) > 0 {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, err
			}
			// Old clients post the JSON object as the form's only key.
			if len(form) == 1 {
				for k, v := range form {
					if len(v) == 1 && (v[0] == "" || v[0] == "1") && strings.HasPrefix(k, "{") {
						body = []byte(k)
						form = nil
					}
				}
			}
			if form != nil {
				return mixedParams(form), nil
			}
		} else if r.URL.RawQuery != "" {
			return mixedParams(r.URL.Query()), nil
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("the body is not JSON (%v)", err)
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, errors.New("the request data must be a JSON object")
		}
		p = obj
	} else {
		p = mixedParams(r.URL.Query())
	}
	delete(p, "callback") // JSONP is not offered; CKAN drops the key too
	return p, nil
}

func mixedParams(q url.Values) ckanParams {
	p := ckanParams{}
	for k, vs := range q {
		if len(vs) == 1 {
			p[k] = vs[0]
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		p[k] = list
	}
	return p
}

// ckanStatusShow answers status_show. "datastore" among the extensions
// tells clients that datastore_search is there.
func (s *Server) ckanStatusShow(c *gin.Context, p ckanParams) (any, error) {
	return map[string]any{
		"site_title":       ckanSiteTitle,
		"site_description": "オープンデータカタログ（CKAN API 互換・読み取り専用）",
		"site_url":         s.cfg.BaseURL,
		"error_emails_to":  nil,
		"locale_default":   "ja",
		"extensions":       []string{"datastore"},
		"ckan_version":     ckanVersion,
	}, nil
}

func (s *Server) ckanHelpShow(c *gin.Context, p ckanParams) (any, error) {
	name, err := p.required("name")
	if err != nil {
		return nil, err
	}
	help, ok := ckanHelp[name]
	if !ok {
		return nil, ckanNotFound("Action function not found")
	}
	return help, nil
}
