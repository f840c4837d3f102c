package datasets

import (
	"fmt"
	"testing"
)

func TestScratchMsgs(t *testing.T) {
	for _, tt := range []struct{ n, d string }{
		{"mixed.csv", "名称,住所\n東京,千代田\n" + string(sjis(t, "大阪,北区\n"))},
		{"bad.csv", "a,b,c\n1,2,3,4\n4,\"5,6\n7,8,9\n"},
		{"damaged.csv", string(sjis(t, "名称,住所\n東京,千代田\n")) + "\xff\xfe\xfd\n"},
	} {
		res, err := readBytes(t, tt.n, []byte(tt.d), CSVOptions{})
		fmt.Println(err)
		for _, e := range res.rowErrs {
			fmt.Println(e)
		}
	}
}
