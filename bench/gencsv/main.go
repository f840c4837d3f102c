// Command gencsv writes a point CSV of N rows, shaped like a municipal
// facility list (Japanese headers, coordinates inside Tokyo's Tama area),
// for the import and export benchmarks.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	n := flag.Int("rows", 1_000_000, "rows to write")
	out := flag.String("o", "points.csv", "output file")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"公園", "図書館", "公民館", "保育園", "体育館", "学校"}
	fmt.Fprintln(w, "ID,名称,種別,住所,緯度,経度,定員")
	for i := range *n {
		fmt.Fprintf(w, "%d,施設%d,%s,東京都みどり野市中町%d-%d,%.6f,%.6f,%d\n", i+1, i+1, kinds[i%len(kinds)],
			i%9+1, i%97+1, 35.60+r.Float64()*0.2, 139.40+r.Float64()*0.3, r.IntN(1000))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
