package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The checks below are the IIIF Presentation API 3.0 requirements
// (https://iiif.io/api/presentation/3.0/) for what the portal publishes:
// each resource's required properties and their types, ids that are HTTP(S)
// URLs, language maps for labels, canvases with width, height and items.
// Independent of the code that writes the manifests, so a field renamed
// there fails here.

type iiifCheck struct {
	ids  map[string]bool // canvas ids, which must be unique in a manifest
	errs []string
}

func (c *iiifCheck) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

func (c *iiifCheck) obj(path string, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf(path, "not a JSON object: %T", v)
	}
	return m
}

func (c *iiifCheck) url(path string, v any) string {
	s, ok := v.(string)
	u, err := url.Parse(s)
	if !ok || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(path, "not an HTTP(S) URL: %v", v)
	}
	return s
}

func (c *iiifCheck) typ(path string, m map[string]any, want string) {
	if m["type"] != want {
		c.errorf(path, "type %v, want %s", m["type"], want)
	}
}

// langMap: an object of language code to a non-empty array of strings.
func (c *iiifCheck) langMap(path string, v any) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		c.errorf(path, "not a language map: %v", v)
		return
	}
	for k, vals := range m {
		arr, ok := vals.([]any)
		if !ok || len(arr) == 0 {
			c.errorf(path+"."+k, "not a non-empty array: %v", vals)
			continue
		}
		for _, s := range arr {
			if _, ok := s.(string); !ok {
				c.errorf(path+"."+k, "not a string: %v", s)
			}
		}
	}
}

func (c *iiifCheck) array(path string, v any, nonEmpty bool) []any {
	arr, ok := v.([]any)
	if !ok || nonEmpty && len(arr) == 0 {
		c.errorf(path, "not a non-empty array: %v", v)
	}
	return arr
}

func (c *iiifCheck) dimension(path string, m map[string]any, key string) {
	f, ok := m[key].(float64)
	if !ok || f < 1 || f != float64(int(f)) {
		c.errorf(path+"."+key, "not a positive integer: %v", m[key])
	}
}

func (c *iiifCheck) labelValues(path string, v any) {
	for i, e := range c.array(path, v, false) {
		m := c.obj(fmt.Sprintf("%s[%d]", path, i), e)
		c.langMap(fmt.Sprintf("%s[%d].label", path, i), m["label"])
		c.langMap(fmt.Sprintf("%s[%d].value", path, i), m["value"])
	}
}

func (c *iiifCheck) manifest(m map[string]any) {
	if m["@context"] != "http://iiif.io/api/presentation/3/context.json" {
		c.errorf("manifest", "@context %v", m["@context"])
	}
	c.url("manifest.id", m["id"])
	c.typ("manifest", m, "Manifest")
	c.langMap("manifest.label", m["label"])
	if v, ok := m["metadata"]; ok {
		c.labelValues("manifest.metadata", v)
	}
	if v, ok := m["requiredStatement"]; ok {
		rs := c.obj("manifest.requiredStatement", v)
		c.langMap("manifest.requiredStatement.label", rs["label"])
		c.langMap("manifest.requiredStatement.value", rs["value"])
	}
	if v, ok := m["rights"]; ok {
		// Rights must be a Creative Commons or RightsStatements.org URI.
		if s := c.url("manifest.rights", v); !strings.Contains(s, "creativecommons.org/") && !strings.Contains(s, "rightsstatements.org/") {
			c.errorf("manifest.rights", "%s is not a Creative Commons or RightsStatements.org URI", s)
		}
	}
	for i, v := range c.array("manifest.items", m["items"], true) {
		c.canvas(fmt.Sprintf("manifest.items[%d]", i), c.obj("manifest.items", v))
	}
}

func (c *iiifCheck) canvas(path string, m map[string]any) {
	id := c.url(path+".id", m["id"])
	if c.ids[id] {
		c.errorf(path, "canvas id %s used twice", id)
	}
	c.ids[id] = true
	c.typ(path, m, "Canvas")
	c.dimension(path, m, "width")
	c.dimension(path, m, "height")
	if v, ok := m["label"]; ok {
		c.langMap(path+".label", v)
	}
	for i, v := range c.array(path+".items", m["items"], true) {
		p := fmt.Sprintf("%s.items[%d]", path, i)
		page := c.obj(p, v)
		c.url(p+".id", page["id"])
		c.typ(p, page, "AnnotationPage")
		for j, a := range c.array(p+".items", page["items"], true) {
			c.annotation(fmt.Sprintf("%s.items[%d]", p, j), c.obj(p, a), id)
		}
	}
}

func (c *iiifCheck) annotation(path string, m map[string]any, canvas string) {
	c.url(path+".id", m["id"])
	c.typ(path, m, "Annotation")
	if m["motivation"] != "painting" {
		c.errorf(path, "motivation %v", m["motivation"])
	}
	if m["target"] != canvas {
		c.errorf(path, "target %v, want the canvas %s", m["target"], canvas)
	}
	body := c.obj(path+".body", m["body"])
	c.url(path+".body.id", body["id"])
	c.typ(path+".body", body, "Image")
	if body["format"] != "image/jpeg" {
		c.errorf(path+".body", "format %v", body["format"])
	}
	c.dimension(path+".body", body, "width")
	c.dimension(path+".body", body, "height")
	for i, v := range c.array(path+".body.service", body["service"], true) {
		p := fmt.Sprintf("%s.body.service[%d]", path, i)
		svc := c.obj(p, v)
		c.url(p+".id", svc["id"])
		c.typ(p, svc, "ImageService3")
		if svc["profile"] != "level0" {
			c.errorf(p, "profile %v", svc["profile"])
		}
	}
}

func checkManifest(t *testing.T, ts *testServer, path string) map[string]any {
	t.Helper()
	res := ts.get(t, path)
	if res.StatusCode != 200 {
		t.Fatalf("%s: status %d", path, res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/ld+json") {
		t.Errorf("%s: Content-Type %s", path, ct)
	}
	var m map[string]any
	decode(t, res, &m)
	c := &iiifCheck{ids: map[string]bool{}}
	c.manifest(m)
	for _, e := range c.errs {
		t.Errorf("%s: %s", path, e)
	}
	return m
}

func TestIIIFManifests(t *testing.T) {
	ts := newPhotoServer(t)
	t.Run("photo", func(t *testing.T) {
		m := checkManifest(t, ts, "/iiif/big-photos-7/manifest.json")
		if m["id"] != "http://portal.test/iiif/big-photos-7/manifest.json" {
			t.Errorf("id %v", m["id"])
		}
		label := m["label"].(map[string]any)
		if fmt.Sprint(label["ja"]) != "[大きな写真]" || label["en"] == nil {
			t.Errorf("label %v", label)
		}
		if m["rights"] != "https://creativecommons.org/licenses/by/4.0/" {
			t.Errorf("rights %v", m["rights"])
		}
		cv := m["items"].([]any)[0].(map[string]any)
		if cv["width"] != 1200.0 || cv["height"] != 900.0 {
			t.Errorf("canvas %vx%v", cv["width"], cv["height"])
		}
		body := cv["items"].([]any)[0].(map[string]any)["items"].([]any)[0].(map[string]any)["body"].(map[string]any)
		// The body and its service are really served.
		if res := ts.get(t, strings.TrimPrefix(body["id"].(string), "http://portal.test")); res.StatusCode != 200 {
			t.Errorf("body %s: status %d", body["id"], res.StatusCode)
		}
		svc := body["service"].([]any)[0].(map[string]any)["id"].(string)
		if res := ts.get(t, strings.TrimPrefix(svc, "http://portal.test")+"/info.json"); res.StatusCode != 200 {
			t.Errorf("service %s: status %d", svc, res.StatusCode)
		}
	})
	t.Run("dataset", func(t *testing.T) {
		m := checkManifest(t, ts, "/iiif/datasets/photo-archive/manifest.json")
		if n := len(m["items"].([]any)); n != 24 {
			t.Errorf("%d canvases, want one per demo photo (24)", n)
		}
		if m["requiredStatement"] == nil {
			t.Error("no requiredStatement")
		}
	})
	t.Run("checker catches mistakes", func(t *testing.T) {
		c := &iiifCheck{ids: map[string]bool{}}
		c.manifest(map[string]any{"@context": "x", "id": "relative", "type": "Manifest", "label": "not a map",
			"items": []any{map[string]any{"id": "http://a/c", "type": "Canvas", "items": []any{}}}})
		if len(c.errs) < 5 {
			t.Errorf("only %d errors for a broken manifest: %v", len(c.errs), c.errs)
		}
	})
}
