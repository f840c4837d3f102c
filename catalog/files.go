package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Files keeps uploaded bytes on disk, each file named by its SHA-256, so a
// file uploaded twice is stored once and a stored file never changes.
type Files struct {
	Dir string // <data>/files
}

var hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Staged is an upload written and synced to a temporary file, its hash
// known, not yet under its hash name.
type Staged struct {
	SHA256 string
	Size   int64
	tmp    string
}

// Put stores r and returns its SHA-256 and size: Stage, then Commit.
func (fs *Files) Put(r io.Reader, limit int64) (sum string, size int64, err error) {
	st, err := fs.Stage(r, limit)
	if err != nil {
		return "", 0, err
	}
	if err := fs.Commit(st); err != nil {
		return "", 0, err
	}
	return st.SHA256, st.Size, nil
}

// Stage copies r to a temporary file, hashing it, and syncs it. More than
// limit bytes (limit > 0) gives a TooLarge error and keeps nothing; other
// errors are internal (reading r or writing the disk failed).
func (fs *Files) Stage(r io.Reader, limit int64) (st *Staged, err error) {
	tmpDir := filepath.Join(fs.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	size, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	if limit > 0 && size > limit {
		return nil, &Error{Kind: TooLarge, Message: fmt.Sprintf("the file is larger than the limit of %d MB", limit>>20)}
	}
	if err = tmp.Sync(); err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	return &Staged{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size, tmp: tmp.Name()}, nil
}

// Commit renames a staged file to its hash name, so a crash never leaves
// a partial file under a hash name. The same bytes stored twice end up as
// one file.
func (fs *Files) Commit(st *Staged) error {
	dst := fs.Path(st.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		os.Remove(st.tmp)
		return fmt.Errorf("store file: %w", err)
	}
	if err := os.Rename(st.tmp, dst); err != nil {
		os.Remove(st.tmp)
		return fmt.Errorf("store file: %w", err)
	}
	return nil
}

// Path is where the file with that hash lives.
func (fs *Files) Path(sum string) string {
	return filepath.Join(fs.Dir, sum[:2], sum)
}

// Open opens a stored file. A malformed hash is NotFound (it names nothing
// that could be stored); a well-formed one whose file is absent is an
// Internal error, because the catalog refers to it: that is data lost from
// the files folder, for an operator to see in the logs, not a client's
// mistake.
func (fs *Files) Open(sum string) (*os.File, error) {
	if !hashPattern.MatchString(sum) {
		return nil, Errorf(NotFound, "no stored file %q", sum)
	}
	f, err := os.Open(fs.Path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil, &Error{Kind: Internal, Message: "a stored file is missing", Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("open stored file: %w", err)
	}
	return f, nil
}

// Remove deletes a stored file; a file already gone is not an error.
// Callers make sure no version refers to it (see Store.FileReferenced).
func (fs *Files) Remove(sum string) error {
	if !hashPattern.MatchString(sum) {
		return Errorf(Invalid, "no stored file %q", sum)
	}
	if err := os.Remove(fs.Path(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stored file: %w", err)
	}
	return nil
}

// Sweep removes what crashes leave in the files folder: uploads being
// received when the process died (files/tmp), and stored files no version
// refers to (stored, then the import's transaction never committed). Only
// files older than before go: another process (`portal import`) may be
// storing a file right now, and its version commits within seconds. It
// returns how many files it removed.
func (s *Store) Sweep(ctx context.Context, fs *Files, before time.Time) (int, error) {
	sums, err := storedFileSums(ctx, s.DB)
	if err != nil {
		return 0, fmt.Errorf("sweep files: %w", err)
	}
	used := make(map[string]bool, len(sums))
	for _, sum := range sums {
		used[sum] = true
	}
	removed := 0
	err = filepath.WalkDir(fs.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(before) {
			return nil
		}
		inTmp := filepath.Base(filepath.Dir(p)) == "tmp"
		name := filepath.Base(p)
		if !inTmp && (!hashPattern.MatchString(name) || used[name]) {
			return nil // a stored file in use, or nothing of ours
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		removed++
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("sweep files: %w", err)
	}
	return removed, nil
}
