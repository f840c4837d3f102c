package datasets

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/machi-opendata/portal/catalog"
)

func TestPIIValidMyNumber(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"123456789018", true}, // the commonly cited sample
		{"123456789017", false},
		{"123456789019", false},
		{"000000000000", true}, // valid by the formula; ScanPII skips repeated digits
		{"12345678901", false},
		{"1234567890123", false},
		{"12345678901a", false},
	} {
		if got := ValidMyNumber(tc.s); got != tc.want {
			t.Errorf("ValidMyNumber(%q) = %v", tc.s, got)
		}
	}
}

// plantedMyNumbers are valid by the check digit; each with its last digit
// changed is not.
var plantedMyNumbers = []string{"123456789018", "987654321018", "111122223333", "314159265352"}

func TestPIIScanPlanted(t *testing.T) {
	for _, n := range plantedMyNumbers {
		if !ValidMyNumber(n) {
			t.Fatalf("planted number %s is not valid", n)
		}
	}
	header := []string{"名称", "住所", "電話番号", "備考"}
	rows := [][]string{
		{"中央図書館", "みどり野市中町1-1", "0422-11-1111", "問い合わせ info@example.com"},
		{"西公民館", "みどり野市西町2-8", "0422-22-2222", "番号 1234 5678 9018 を記入"},
		{"東体育館", "みどり野市東町3-3", "0422-33-3333", "１２３４５６７８９０１７"}, // bad check digit, full width
		{"北会館", "みどり野市北町4-4", "0422-44-4444", "kouhou@city.midorino.lg.jp"},
		{"南会館", "", "", "987654321018"}, {"東会館", "", "", "連絡先メール"},
	}
	got := ScanPII(header, rows)
	want := []PIIFinding{
		{Column: "備考", Row: 1, Rule: PIIEmail, Sample: "i***@example.com"},
		{Column: "備考", Row: 2, Rule: PIIMyNumber, Sample: "**********18"},
		{Column: "備考", Row: 5, Rule: PIIMyNumber, Sample: "**********18"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("facilities (-want +got):\n%s", diff)
	}

	// A facility's contact address is not a person's.
	got = ScanPII([]string{"名称", "連絡先メールアドレス"}, [][]string{{"中央図書館", "toshokan@example.jp"}})
	if len(got) != 0 {
		t.Errorf("contact column: %+v", got)
	}

	// A table of people: names, birthdays and phone numbers.
	header = []string{"氏名", "フリガナ", "生年月日", "住所", "電話番号", "避難行動要支援者"}
	rows = [][]string{
		{"山田太郎", "ヤマダタロウ", "1950-01-01", "みどり野市中町1-1", "090-1234-5678", "○"},
		{"佐藤花子", "サトウハナコ", "1948-02-02", "みどり野市西町2-8", "0422(33)4444", ""},
	}
	got = ScanPII(header, rows)
	var cols, phones []string
	for _, f := range got {
		switch f.Rule {
		case PIIColumn:
			cols = append(cols, f.Column)
		case PIIPhone:
			phones = append(phones, f.Sample)
		}
		if strings.Contains(f.Sample, "山田") || strings.Contains(f.Sample, "5678") {
			t.Errorf("sample not masked: %+v", f)
		}
	}
	if diff := cmp.Diff([]string{"氏名", "フリガナ", "生年月日", "住所", "電話番号", "避難行動要支援者"}, cols); diff != "" {
		t.Errorf("personal columns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"*********78", "********44"}, phones); diff != "" {
		t.Errorf("phones (-want +got):\n%s", diff)
	}
	// Planted in a people table, every valid number is found, every
	// invalid one is not.
	rows = nil
	for _, n := range plantedMyNumbers {
		bad := n[:11] + string('0'+(n[11]-'0'+1)%10)
		rows = append(rows, []string{"x", n}, []string{"y", bad})
	}
	got = ScanPII([]string{"名前", "番号"}, rows)
	var found []int
	for _, f := range got {
		if f.Rule == PIIMyNumber {
			found = append(found, f.Row)
		}
	}
	if diff := cmp.Diff([]int{1, 3, 5, 7}, found); diff != "" {
		t.Errorf("planted rows (-want +got):\n%s", diff)
	}
}

// TestPIIFalsePositives runs the guard over the demo datasets and the real
// files of ../shared/data/real-csv (published open data, so every finding
// there is a false positive) and checks the counts docs/admin.md reports.
func TestPIIFalsePositives(t *testing.T) {
	files, _ := filepath.Glob("demo/data/*.csv")
	real, _ := filepath.Glob("../../shared/data/real-csv/*.csv")
	if len(real) == 0 {
		t.Log("no real files in ../../shared/data/real-csv")
	}
	files = append(files, real...)
	total := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := NewCSVReader(filepath.Base(name), f, CSVOptions{})
		if err != nil {
			t.Logf("%s: not read: %v", name, err)
			continue
		}
		var rows [][]string
		for {
			_, cells, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			var p *Problem
			if errors.As(err, &p) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, cells)
		}
		fs := ScanPII(r.Header(), rows)
		for _, f := range fs {
			t.Logf("%s: %+v", filepath.Base(name), f)
		}
		t.Logf("%s: %d rows, %d findings", filepath.Base(name), len(rows), len(fs))
		// The real files are published open data: nothing in them is
		// personal, so a finding is a false positive (the demo, edited
		// elsewhere, is only reported).
		if strings.Contains(name, "real-csv") && len(fs) > 0 {
			t.Errorf("%s: %d false positives", name, len(fs))
		}
		total += len(fs)
	}
	t.Logf("total findings: %d", total)
}

func TestPIIImportRefusesPublishWithoutOverride(t *testing.T) {
	im := testImporter(t)
	ctx := context.Background()
	people := "氏名,電話番号,備考\r\n山田太郎,090-1234-5678,\r\n佐藤花子,0422-33-4444,123456789018\r\n"
	req := func(publish bool, override string) ImportRequest {
		return ImportRequest{Slug: "meibo", Kind: catalog.KindTable, Department: "bousai", Publish: publish, Override: override,
			Actor: "tanaka", Files: []File{{Name: "名簿.csv", Data: strings.NewReader(people)}}}
	}
	_, err := im.Import(ctx, req(true, ""))
	var pe *PIIError
	if catalog.KindOf(err) != catalog.Invalid || !errors.As(err, &pe) || len(pe.Findings) < 4 {
		t.Fatalf("publish with findings: %v", err)
	}
	if !strings.Contains(catalog.MessageOf(err), "氏名") || strings.Contains(catalog.MessageOf(err), "山田") {
		t.Fatalf("message %q", catalog.MessageOf(err))
	}
	if _, err := im.Store.DatasetBySlug(ctx, "meibo"); catalog.KindOf(err) != catalog.NotFound {
		t.Fatalf("refused publish stored something: %v", err)
	}
	// A draft is kept, with the findings in its result.
	res, err := im.Import(ctx, req(false, ""))
	if err != nil || len(res.PII) == 0 {
		t.Fatalf("draft: %v %+v", err, res)
	}
	// An override publishes and is audited.
	res, err = im.Import(ctx, req(true, "架空の名簿（研修用）"))
	if err != nil || res.Version != 2 {
		t.Fatalf("override: %v", err)
	}
	log, _, err := im.Store.AuditLog(ctx, catalog.AuditFilter{Action: catalog.AuditPIIOverride})
	if err != nil || len(log) != 1 || log[0].Actor != "tanaka" || !strings.Contains(log[0].Detail, "架空の名簿") {
		t.Fatalf("audit: %+v %v", log, err)
	}
}
