package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCSVReaderHugeField: a 10 MB value refuses its row, the other rows are
// read, and the value is never held in memory.
func TestCSVReaderHugeField(t *testing.T) {
	const huge = 10 << 20
	var b bytes.Buffer
	b.WriteString("id,名称,説明\n1,a,short\n2,b,\"")
	b.Write(bytes.Repeat([]byte("長い説明,\n"), huge/len("長い説明,\n")))
	b.WriteString("\"\n3,c,short\n4,d,")
	b.Write(bytes.Repeat([]byte("x"), huge)) // unquoted this time
	b.WriteString("\n5,e,short\n")
	path := filepath.Join(t.TempDir(), "huge.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b = bytes.Buffer{}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := NewCSVReader("huge.csv", f, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, r)
	runtime.ReadMemStats(&after)

	if diff := cmp.Diff([]string{"1", "3", "5"}, column(res.records, 0)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if len(res.rowErrs) != 2 {
		t.Fatalf("row errors: %v", res.rowErrs)
	}
	wantProblem(t, res.rowErrs[0], "huge.csv", 3, `column "説明"`, "over the limit of 1048576 bytes")
	wantProblem(t, res.rowErrs[1], "huge.csv", huge/len("長い説明,\n")+5, `column "説明"`, "10485760 bytes long")
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %.1f MB", float64(alloc)/(1<<20))
	if alloc > 8<<20 {
		t.Errorf("reading allocated %d MB, more than a copy of the 10 MB field would", alloc>>20)
	}
}

func column(records [][]string, i int) []string {
	var c []string
	for _, r := range records {
		c = append(c, r[i])
	}
	return c
}

func TestCSVReaderMaxFieldOption(t *testing.T) {
	res, err := readBytes(t, "m.csv", []byte("a,b\n1,12345\n2,1234\n"), CSVOptions{MaxFieldBytes: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.records) != 1 || len(res.rowErrs) != 1 {
		t.Fatalf("records %q, errors %v", res.records, res.rowErrs)
	}
	wantProblem(t, res.rowErrs[0], "m.csv", 2, `column "b"`, "5 bytes long", "limit of 4 bytes")
}
