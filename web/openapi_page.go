package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"
)

// The part of OpenAPI 3.1 that the API page shows. Members keep the
// document's order (oaOrdered), so the page reads in the order it was written.
type (
	oaDocument struct {
		Info struct {
			Title, Version, Summary, Description string
		} `json:"info"`
		Tags       []struct{ Name, Description string }  `json:"tags"`
		Paths      oaOrdered[oaOrdered[json.RawMessage]] `json:"paths"`
		Components struct {
			Parameters oaOrdered[oaParameter] `json:"parameters"`
			Responses  oaOrdered[oaResponse]  `json:"responses"`
			Schemas    oaOrdered[oaSchema]    `json:"schemas"`
		} `json:"components"`
	}
	oaOperation struct {
		Tags        []string              `json:"tags"`
		OperationID string                `json:"operationId"`
		Summary     string                `json:"summary"`
		Description string                `json:"description"`
		Parameters  []oaParameter         `json:"parameters"`
		Responses   oaOrdered[oaResponse] `json:"responses"`
	}
	oaParameter struct {
		Ref         string    `json:"$ref"`
		Name        string    `json:"name"`
		In          string    `json:"in"`
		Required    bool      `json:"required"`
		Description string    `json:"description"`
		Schema      *oaSchema `json:"schema"`
	}
	oaResponse struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
		Content     oaOrdered[struct {
			Schema *oaSchema `json:"schema"`
		}] `json:"content"`
	}
	oaSchema struct {
		Ref                  string              `json:"$ref"`
		Type                 any                 `json:"type"` // a name or a list of names
		Description          string              `json:"description"`
		Format               string              `json:"format"`
		Enum                 []any               `json:"enum"`
		Const                any                 `json:"const"`
		Default              any                 `json:"default"`
		Minimum              *float64            `json:"minimum"`
		Maximum              *float64            `json:"maximum"`
		Pattern              string              `json:"pattern"`
		Items                *oaSchema           `json:"items"`
		Properties           oaOrdered[oaSchema] `json:"properties"`
		Required             []string            `json:"required"`
		AdditionalProperties json.RawMessage     `json:"additionalProperties"`
		AllOf                []*oaSchema         `json:"allOf"`
		OneOf                []*oaSchema         `json:"oneOf"`
	}
)

// oaMethods are the members of a path item that are operations.
var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaOrdered is a JSON object read into a list, keeping the members' order.
type oaOrdered[T any] []oaMember[T]

type oaMember[T any] struct {
	Name  string
	Value T
}

func (o *oaOrdered[T]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("want a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		m := oaMember[T]{Name: t.(string)}
		if err := dec.Decode(&m.Value); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		*o = append(*o, m)
	}
	return nil
}

// lookup finds a member by name.
func (o oaOrdered[T]) lookup(name string) (T, bool) {
	for _, m := range o {
		if m.Name == name {
			return m.Value, true
		}
	}
	var zero T
	return zero, false
}

// apiPageView is the API page.
type apiPageView struct {
	Title, Version, Summary string
	Description             template.HTML
	ServerURL               string
	Groups                  []apiGroupView
	Schemas                 []apiSchemaView
}

type apiGroupView struct {
	ID, Name    string // ID: the section's anchor
	Description template.HTML
	Operations  []apiOperationView
}

type apiOperationView struct {
	ID, Method, Path, Summary string
	Description               template.HTML
	Parameters                []apiFieldView
	Responses                 []apiResponseView
}

// apiFieldView is a parameter or a schema's property.
type apiFieldView struct {
	Name, In    string
	Type        apiType
	Required    bool
	Description template.HTML
}

type apiResponseView struct {
	Status      string
	Description template.HTML
	Media       []string
	Type        apiType
}

type apiSchemaView struct {
	Name        string
	Description template.HTML
	Type        apiType   // what it is when it has no properties of its own
	Base        []apiType // the schemas whose properties it has too (allOf)
	Properties  []apiFieldView
}

// apiType names a schema for people, linking the named schema it is made of.
type apiType struct {
	Text string
	Ref  string // a component schema's name, or empty
	Note string // values, bounds, default
}

// newAPIPageView builds the page from the document; an operation without a
// tag or a $ref to nothing is an error, so that a bad edit fails start.
func newAPIPageView(doc *oaDocument, serverURL string) (*apiPageView, error) {
	v := &apiPageView{Title: doc.Info.Title, Version: doc.Info.Version, Summary: doc.Info.Summary,
		Description: markdownLite(doc.Info.Description), ServerURL: serverURL}
	groups := map[string]*apiGroupView{}
	for _, t := range doc.Tags {
		v.Groups = append(v.Groups, apiGroupView{ID: "tag-" + strings.ReplaceAll(strings.ToLower(t.Name), " ", "-"), Name: t.Name, Description: markdownLite(t.Description)})
	}
	for i := range v.Groups {
		groups[v.Groups[i].Name] = &v.Groups[i]
	}
	for _, p := range doc.Paths {
		for _, m := range p.Value {
			if !slices.Contains(oaMethods, m.Name) {
				continue // a path item's summary, servers or shared parameters
			}
			var op oaOperation
			if err := json.Unmarshal(m.Value, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m.Name, p.Name, err)
			}
			if len(op.Tags) == 0 || groups[op.Tags[0]] == nil {
				return nil, fmt.Errorf("%s %s: its first tag must be one of the document's tags", m.Name, p.Name)
			}
			ov := apiOperationView{ID: op.OperationID, Method: strings.ToUpper(m.Name), Path: p.Name,
				Summary: op.Summary, Description: markdownLite(op.Description)}
			for _, prm := range op.Parameters {
				if prm.Ref != "" {
					var ok bool
					if prm, ok = doc.Components.Parameters.lookup(strings.TrimPrefix(prm.Ref, "#/components/parameters/")); !ok {
						return nil, fmt.Errorf("%s %s: no parameter %s", m.Name, p.Name, prm.Ref)
					}
				}
				ov.Parameters = append(ov.Parameters, apiFieldView{Name: prm.Name, In: prm.In, Required: prm.Required,
					Type: oaTypeOf(prm.Schema), Description: markdownLite(prm.Description)})
			}
			for _, r := range op.Responses {
				resp := r.Value
				if resp.Ref != "" {
					var ok bool
					if resp, ok = doc.Components.Responses.lookup(strings.TrimPrefix(resp.Ref, "#/components/responses/")); !ok {
						return nil, fmt.Errorf("%s %s: no response %s", m.Name, p.Name, resp.Ref)
					}
				}
				rv := apiResponseView{Status: r.Name, Description: markdownLite(resp.Description)}
				for _, c := range resp.Content {
					rv.Media = append(rv.Media, c.Name)
					if rv.Type.Text == "" {
						rv.Type = oaTypeOf(c.Value.Schema)
					}
				}
				ov.Responses = append(ov.Responses, rv)
			}
			g := groups[op.Tags[0]]
			g.Operations = append(g.Operations, ov)
		}
	}
	for _, s := range doc.Components.Schemas {
		sv := apiSchemaView{Name: s.Name, Description: markdownLite(s.Value.Description)}
		props, required := s.Value.Properties, s.Value.Required
		for _, a := range s.Value.AllOf {
			sv.Base = append(sv.Base, oaTypeOf(a))
		}
		if len(sv.Base) == 0 && len(props) == 0 {
			sv.Type = oaTypeOf(&s.Value)
		}
		for _, p := range props {
			sv.Properties = append(sv.Properties, apiFieldView{Name: p.Name, Type: oaTypeOf(&p.Value),
				Required: slices.Contains(required, p.Name), Description: markdownLite(p.Value.Description)})
		}
		v.Schemas = append(v.Schemas, sv)
	}
	for _, s := range v.Schemas {
		for _, f := range s.Properties {
			if f.Type.Ref != "" {
				if _, ok := doc.Components.Schemas.lookup(f.Type.Ref); !ok {
					return nil, fmt.Errorf("schema %s.%s: no schema %s", s.Name, f.Name, f.Type.Ref)
				}
			}
		}
	}
	return v, nil
}

// oaTypeOf names a schema: "string", "array of Dataset", "integer or null".
func oaTypeOf(s *oaSchema) apiType {
	if s == nil {
		return apiType{Text: "any"}
	}
	if s.Ref != "" {
		name := s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
		return apiType{Text: name, Ref: name}
	}
	var t apiType
	switch {
	case len(s.AllOf) == 1:
		t = oaTypeOf(s.AllOf[0])
	case len(s.OneOf) > 0:
		var names []string
		for _, o := range s.OneOf {
			n := oaTypeOf(o)
			names = append(names, n.Text)
			if t.Ref == "" {
				t.Ref = n.Ref
			}
		}
		t.Text = strings.Join(names, " or ")
	case s.Items != nil:
		items := oaTypeOf(s.Items)
		t = apiType{Text: "array of " + items.Text, Ref: items.Ref, Note: items.Note}
	case s.Const != nil:
		t.Text = oaText(s.Const)
	default:
		switch v := s.Type.(type) {
		case string:
			t.Text = v
		case []any:
			var names []string
			for _, n := range v {
				names = append(names, fmt.Sprint(n))
			}
			t.Text = strings.Join(names, " or ")
		default:
			t.Text = "any"
		}
		if t.Text == "object" && len(s.AdditionalProperties) > 0 && s.AdditionalProperties[0] == '{' {
			var inner oaSchema
			if json.Unmarshal(s.AdditionalProperties, &inner) == nil && (inner.Type != nil || inner.Ref != "") {
				in := oaTypeOf(&inner)
				t = apiType{Text: "object of " + in.Text, Ref: in.Ref}
			}
		}
	}
	if s.Format != "" {
		t.Text += " (" + s.Format + ")"
	}
	var notes []string
	if len(s.Enum) > 0 {
		var vals []string
		for _, e := range s.Enum {
			vals = append(vals, oaText(e))
		}
		notes = append(notes, "one of "+strings.Join(vals, ", "))
	}
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		notes = append(notes, fmt.Sprintf("%g to %g", *s.Minimum, *s.Maximum))
	case s.Minimum != nil:
		notes = append(notes, fmt.Sprintf("at least %g", *s.Minimum))
	case s.Maximum != nil:
		notes = append(notes, fmt.Sprintf("at most %g", *s.Maximum))
	}
	if s.Pattern != "" {
		notes = append(notes, "matching "+s.Pattern)
	}
	if s.Default != nil {
		notes = append(notes, "default "+oaText(s.Default))
	}
	if len(notes) > 0 {
		t.Note = strings.Join(notes, "; ")
	}
	return t
}

func oaText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// markdownLite renders the little Markdown the document's prose uses:
// paragraphs and `code`. Everything else is escaped text.
func markdownLite(s string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, part := range strings.Split(para, "`") {
			if i%2 == 1 {
				b.WriteString("<code>" + html.EscapeString(part) + "</code>")
			} else {
				b.WriteString(html.EscapeString(part))
			}
		}
		b.WriteString("</p>")
	}
	return template.HTML(b.String())
}
