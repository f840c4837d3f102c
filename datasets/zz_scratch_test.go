package datasets

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestScratchDump(t *testing.T) {
	files, _ := filepath.Glob("../../shared/data/real-csv/*.csv")
	for _, f := range files {
		fh, _ := os.Open(f)
		r, err := NewCSVReader(filepath.Base(f), fh, CSVOptions{})
		if err != nil {
			fmt.Println(f, "ERR", err)
			continue
		}
		fmt.Printf("== %s %+v\n   header=%q\n", filepath.Base(f), r.Dialect(), r.Header())
		for _, p := range r.Problems() {
			fmt.Println("   problem:", p.Error(), p.Severity)
		}
		n := 0
		inf := NewTypeInferrer(len(r.Header()))
		for {
			line, cells, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Println("   READERR", err)
				continue
			}
			inf.Add(cells)
			if n < 2 {
				fmt.Printf("   %d: %q\n", line, cells[:min(5, len(cells))])
			}
			n++
		}
		fmt.Println("   records:", n, inf.Types())
		fh.Close()
	}
}
