package web

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"golang.org/x/sync/singleflight"
)

// ckanCatalog is the published catalog as the CKAN API shows it: every
// package rendered once, with what searches filter, sort and count on.
// It is shared by all requests until the catalog changes, because CKAN's
// clients read the whole catalog (a harvester pages through every dataset)
// and a package dict takes three queries to build: answering from memory
// keeps package_search at a millisecond on 10,000 datasets.
type ckanCatalog struct {
	stamp     string
	packages  []*ckanPackage // by name
	byName    map[string]*ckanPackage
	resources map[string]ckanResourceRef
	// The orders most searches ask for, kept sorted.
	byModified []*ckanPackage // newest first, then by name
	byTitle    []*ckanPackage // folded title, then by name
	orgs       []*ckanOrg     // by name
	orgByName  map[string]*ckanOrg
	groups     []*ckanGroup // by name
	groupByKey map[string]*ckanGroup
	tags       []string // every tag, sorted
	// facetValues lists, for each of ckanFacetFields, the values its
	// packages' facetIDs stand for.
	facetValues [ckanFacetSlots][]string
}

// ckanResourceRef finds a resource: its package and its place there.
type ckanResourceRef struct {
	pkg *ckanPackage
	i   int
}

// ckanOrg is a department as a CKAN organization.
type ckanOrg struct {
	ref      ckanOrgDict
	count    int
	dept     catalog.Department
	packages []*ckanPackage // newest first
}

// ckanGroup is a data theme as a CKAN group.
type ckanGroup struct {
	ref      ckanGroupDict
	theme    catalog.Theme
	count    int
	packages []*ckanPackage // newest first
}

// ckanCache keeps the current ckanCatalog and renews it: at most once a
// second it checks the catalog's stamp and, when the catalog changed,
// rebuilds what changed in the background while requests go on with the
// one they have (a second of staleness, as responseCache allows). Only the
// very first build makes requests wait.
type ckanCache struct {
	mu       sync.Mutex
	cur      *ckanCatalog
	checked  time.Time
	updating bool
	first    singleflight.Group
}

// ckanCheckEvery is how stale the CKAN view may be.
const ckanCheckEvery = time.Second

// ckanCatalog returns the current CKAN view of the catalog.
func (s *Server) ckanCatalog(ctx context.Context) (*ckanCatalog, error) {
	cc := &s.ckanView
	cc.mu.Lock()
	cur, due := cc.cur, time.Since(cc.checked) >= ckanCheckEvery && !cc.updating
	if cur != nil && due {
		cc.updating = true
	}
	cc.mu.Unlock()
	if cur == nil {
		v, err, _ := cc.first.Do("build", func() (any, error) {
			cc.mu.Lock()
			if cc.cur != nil {
				defer cc.mu.Unlock()
				return cc.cur, nil
			}
			cc.mu.Unlock()
			// Not the request's context: the others waiting want the answer too.
			return s.refreshCKAN(context.WithoutCancel(ctx))
		})
		if err != nil {
			return nil, err
		}
		return v.(*ckanCatalog), nil
	}
	if due {
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if _, err := s.refreshCKAN(ctx); err != nil {
				s.log.Warn("ckan: refresh the catalog view", "err", err)
			}
		}()
	}
	return cur, nil
}

// refreshCKAN checks the catalog's stamp and rebuilds the view if it
// changed, reusing the packages that did not.
func (s *Server) refreshCKAN(ctx context.Context) (*ckanCatalog, error) {
	cc := &s.ckanView
	defer func() {
		cc.mu.Lock()
		// Checked even when it failed: a broken database is retried once
		// a second, not on every request.
		cc.updating, cc.checked = false, time.Now()
		cc.mu.Unlock()
	}()
	stamp, err := s.store.PublicStamp(ctx)
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	old := cc.cur
	cc.mu.Unlock()
	next := old
	if old == nil || old.stamp != stamp {
		if next, err = s.buildCKAN(ctx, old, stamp); err != nil {
			return nil, err
		}
	}
	cc.mu.Lock()
	cc.cur = next
	cc.mu.Unlock()
	return next, nil
}

// buildCKAN builds the view from the store. A package is rebuilt only if
// its dataset, version or organization changed since old, or if its
// downloads had not all been measured then.
func (s *Server) buildCKAN(ctx context.Context, old *ckanCatalog, stamp string) (*ckanCatalog, error) {
	depts, err := s.store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	ds, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Sort: "modified"})
	if err != nil {
		return nil, err
	}
	cat := &ckanCatalog{stamp: stamp, byName: map[string]*ckanPackage{}, resources: map[string]ckanResourceRef{},
		orgByName: map[string]*ckanOrg{}, groupByKey: map[string]*ckanGroup{}}
	// A department has no creation date of its own: its first dataset's.
	created := map[string]time.Time{}
	for _, d := range ds {
		if t, ok := created[d.Department]; !ok || d.Issued.Before(t) {
			created[d.Department] = d.Issued
		}
	}
	for _, d := range depts {
		o := &ckanOrg{dept: d, ref: orgDict(d, created[d.Code])}
		cat.orgs = append(cat.orgs, o)
		cat.orgByName[d.Code] = o
	}
	for _, t := range catalog.Themes {
		g := &ckanGroup{theme: t, ref: groupDict(t)}
		cat.groups = append(cat.groups, g)
		cat.groupByKey[g.ref.Name] = g
	}
	tags := map[string]bool{}
	var facetIDs [ckanFacetSlots]map[string]int32
	for i := range facetIDs {
		facetIDs[i] = map[string]int32{}
	}
	// The packages to build (new or changed) have their versions read in
	// batches: three queries per 500 datasets, not three per dataset.
	keys := make(map[int64]string, len(ds))
	var changed []*catalog.Dataset
	for _, d := range ds {
		if org := cat.orgByName[d.Department]; org != nil {
			keys[d.ID] = packageKey(d, org.dept, org.ref)
			if old.reusable(d.Slug, keys[d.ID]) == nil {
				changed = append(changed, d)
			}
		}
	}
	versions, known, err := s.store.CurrentVersions(ctx, changed)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		org := cat.orgByName[d.Department]
		if org == nil {
			continue // a foreign key makes this impossible
		}
		key := keys[d.ID]
		p := old.reusable(d.Slug, key)
		if p == nil {
			v := versions[d.ID]
			if v == nil {
				continue // withdrawn since it was listed
			}
			if p, err = s.ckanPackage(d, v, s.distributionsOf(d, v, known[d.ID]), org.dept, org.ref, key); err != nil {
				return nil, err
			}
		}
		for i, f := range ckanFacetFields {
			p.facetIDs[i] = p.facetIDs[i][:0:0]
			for _, v := range f.values(p) {
				id, ok := facetIDs[i][v]
				if !ok {
					id = int32(len(cat.facetValues[i]))
					facetIDs[i][v] = id
					cat.facetValues[i] = append(cat.facetValues[i], v)
				}
				p.facetIDs[i] = append(p.facetIDs[i], id)
			}
		}
		cat.byModified = append(cat.byModified, p)
		cat.byName[p.name] = p
		for i, r := range p.resources {
			cat.resources[r.ID] = ckanResourceRef{pkg: p, i: i}
		}
		org.count++
		org.packages = append(org.packages, p)
		for _, name := range p.groups {
			if g := cat.groupByKey[name]; g != nil {
				g.count++
				g.packages = append(g.packages, p)
			}
		}
		for _, t := range p.tags {
			tags[t] = true
		}
	}
	cat.packages = slices.Clone(cat.byModified)
	slices.SortFunc(cat.packages, func(a, b *ckanPackage) int { return strings.Compare(a.name, b.name) })
	cat.byTitle = slices.Clone(cat.packages)
	slices.SortStableFunc(cat.byTitle, func(a, b *ckanPackage) int { return strings.Compare(a.titleKey, b.titleKey) })
	for t := range tags {
		cat.tags = append(cat.tags, t)
	}
	slices.Sort(cat.tags)
	return cat, nil
}

// reusable returns a copy of old's package called name if it was built
// from key and is complete; nil otherwise.
func (old *ckanCatalog) reusable(name, key string) *ckanPackage {
	if old == nil {
		return nil
	}
	if p := old.byName[name]; p != nil && p.key == key && p.complete {
		reused := *p // the dict and resources are shared, facetIDs are the new catalog's
		return &reused
	}
	return nil
}

// resource finds a resource by its id; ok is false if there is none.
func (cat *ckanCatalog) resource(id string) (*ckanPackage, *ckanResourceDict, bool) {
	ref, ok := cat.resources[id]
	if !ok {
		return nil, nil, false
	}
	return ref.pkg, &ref.pkg.resources[ref.i], true
}
