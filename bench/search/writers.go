package main

import (
	"slices"
	"sync"

	"github.com/machi-opendata/portal/search"
)

// putter puts batches into the index: through a search.Writer, as
// search.Syncer.Rebuild does (writers == 0, the default), in the caller's
// goroutine one batch at a time (writers == 1, what Syncer did before), or
// from several goroutines.
type putter struct {
	ix      *search.Index
	w       *search.Writer
	writers int
	ch      chan []search.Doc
	pending sync.WaitGroup
	mu      sync.Mutex
	err     error
}

func newPutter(ix *search.Index, writers int) *putter {
	if writers <= 0 {
		return &putter{ix: ix, w: ix.NewWriter()}
	}
	p := &putter{ix: ix, writers: writers}
	if p.writers == 1 {
		return p
	}
	p.ch = make(chan []search.Doc)
	for range p.writers {
		go func() {
			for docs := range p.ch {
				if err := ix.Put(docs...); err != nil {
					p.mu.Lock()
					p.err = err
					p.mu.Unlock()
				}
				p.pending.Done()
			}
		}()
	}
	return p
}

// put indexes docs, or hands a copy to a writer (blocking while every
// writer is busy). It returns the first error of any batch so far.
func (p *putter) put(docs []search.Doc) error {
	if p.w != nil {
		for _, d := range docs {
			if err := p.w.Add(d); err != nil {
				return err
			}
		}
		return nil
	}
	if p.writers == 1 {
		return p.ix.Put(docs...)
	}
	p.pending.Add(1)
	p.ch <- slices.Clone(docs)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// wait returns once every batch handed over is indexed.
func (p *putter) wait() error {
	if p.w != nil {
		err := p.w.Close()
		p.w = p.ix.NewWriter()
		return err
	}
	if p.writers == 1 {
		return nil
	}
	p.pending.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *putter) close() {
	if p.w != nil {
		p.w.Close()
	}
	if p.ch != nil {
		close(p.ch)
	}
}
