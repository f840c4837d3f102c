package main

import (
	"slices"
	"sync"

	"github.com/machi-opendata/portal/search"
)

// putter puts batches into the index: in the caller's goroutine, as
// search.Syncer does (writers == 1, the default), or from several
// goroutines, to measure what overlapping one batch's analysis with
// another's segment building would gain (-writers 2).
type putter struct {
	ix      *search.Index
	writers int
	ch      chan []search.Doc
	pending sync.WaitGroup
	mu      sync.Mutex
	err     error
}

func newPutter(ix *search.Index, writers int) *putter {
	p := &putter{ix: ix, writers: max(1, writers)}
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
	if p.writers == 1 {
		return nil
	}
	p.pending.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *putter) close() {
	if p.ch != nil {
		close(p.ch)
	}
}
