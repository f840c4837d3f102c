package datasets

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		typ  ColumnType
		cell string
		want any
		ok   bool
	}{
		{TypeInteger, "123", int64(123), true},
		{TypeInteger, " 123 ", int64(123), true},
		{TypeInteger, "１２３", int64(123), true},
		{TypeInteger, "－５", int64(-5), true},
		{TypeInteger, "−5", int64(-5), true},
		{TypeInteger, "▲1,000", int64(-1000), true},
		{TypeInteger, "+7", int64(7), true},
		{TypeInteger, "1,234", int64(1234), true},
		{TypeInteger, "１，２３４", int64(1234), true},
		{TypeInteger, "1,234,567", int64(1234567), true},
		{TypeInteger, "0", int64(0), true},
		{TypeInteger, "", nil, true},
		{TypeInteger, "\u3000", nil, true},
		{TypeInteger, "0123", nil, false},
		{TypeInteger, "0803a", nil, false},
		{TypeInteger, "132039", int64(132039), true},
		{TypeInteger, "03-3293-1711", nil, false},
		{TypeInteger, "180-0001", nil, false},
		{TypeInteger, "12,34", nil, false},
		{TypeInteger, "1,2345", nil, false},
		{TypeInteger, ",123", nil, false},
		{TypeInteger, "1.5", nil, false},
		{TypeInteger, "1e3", nil, false},
		{TypeInteger, "1234567890123456", nil, false}, // an identifier
		{TypeInteger, "-", nil, false},
		{TypeNumber, "35.6895", 35.6895, true},
		{TypeNumber, "33.075843 ", 33.075843, true},
		{TypeNumber, "３５．５", 35.5, true},
		{TypeNumber, "-0.5", -0.5, true},
		{TypeNumber, ".5", 0.5, true},
		{TypeNumber, "1,234.5", 1234.5, true},
		{TypeNumber, "12", 12.0, true},
		{TypeNumber, "0.0", 0.0, true},
		{TypeNumber, "5.", nil, false},
		{TypeNumber, "00.5", nil, false},
		{TypeNumber, "1.2.3", nil, false},
		{TypeNumber, "NaN", nil, false},
		{TypeNumber, "Inf", nil, false},
		{TypeNumber, "1e5", nil, false},
		{TypeNumber, "500円", nil, false},
		{TypeBoolean, "true", true, true},
		{TypeBoolean, "FALSE", false, true},
		{TypeBoolean, "Yes", true, true},
		{TypeBoolean, "ｙｅｓ", true, true},
		{TypeBoolean, "はい", true, true},
		{TypeBoolean, "いいえ", false, true},
		{TypeBoolean, "有", true, true},
		{TypeBoolean, "無し", false, true},
		{TypeBoolean, "○", true, true},
		{TypeBoolean, "〇", true, true},
		{TypeBoolean, "×", false, true},
		{TypeBoolean, "1", nil, false},
		{TypeBoolean, "0", nil, false},
		{TypeBoolean, "maybe", nil, false},
		{TypeDate, "令和5年4月1日", "2023-04-01", true},
		{TypeDate, "2023/4", "2023-04", true},
		{TypeDate, "平成31年", "2019", true},
		{TypeDate, "2023", nil, false},
		{TypeTime, "9:00", "09:00", true},
		{TypeTime, "１７：００", "17:00", true},
		{TypeTime, "17:00:30", "17:00:30", true},
		{TypeTime, "9", nil, false},
		{TypeText, " as written ", " as written ", true},
		{TypeText, "0123", "0123", true},
		{TypeText, "", nil, true},
	}
	for _, tt := range tests {
		got, ok := ParseValue(tt.typ, tt.cell)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseValue(%s, %q) = %#v, %v; want %#v, %v", tt.typ, tt.cell, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTypeInferrer(t *testing.T) {
	tests := []struct {
		name   string
		column []string
		want   ColumnType
	}{
		{"integers", []string{"1", "", "-2", "1,000", "１２"}, TypeInteger},
		{"0 and 1 are integers", []string{"0", "1", "1"}, TypeInteger},
		{"numbers", []string{"1", "2.5", " 3 "}, TypeNumber},
		{"leading zeros are codes", []string{"123", "0123"}, TypeText},
		{"leading zero in numbers", []string{"1.5", "0123"}, TypeText},
		{"POI codes", []string{"0803a", "0610a"}, TypeText},
		{"phones", []string{"03-3293-1711", "0820-22-2111"}, TypeText},
		{"postal codes", []string{"180-0001", "1800001"}, TypeText},
		{"long identifiers", []string{"1234567890123456789"}, TypeText},
		{"booleans", []string{"○", "", "×"}, TypeBoolean},
		{"boolean words", []string{"TRUE", "false", "yes"}, TypeBoolean},
		{"0/1 with a word", []string{"1", "はい"}, TypeText},
		{"dates", []string{"2023-04-01", "令和5年4月1日", "R5.4.1", "2023年4月"}, TypeDate},
		{"dates with weekdays", []string{"2023年1月31日（火）", "2023年1月2日（月・休）"}, TypeDate},
		{"pre-Meiji dates stay text", []string{"享保6年6月22日", "平成3年6月3日"}, TypeText},
		{"times", []string{"9:00", "17:30", "9時30分"}, TypeTime},
		{"times and dates", []string{"9:00", "2023-04-01"}, TypeText},
		{"empty", []string{"", " ", "\u3000"}, TypeText},
		{"text", []string{"abc", "1"}, TypeText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inf := NewTypeInferrer(1)
			inf.Add(nil) // short rows are fine
			for _, c := range tt.column {
				inf.Add([]string{c, "cells beyond the columns are ignored"})
			}
			if got := inf.Types(); len(got) != 1 || got[0] != tt.want {
				t.Errorf("Types() = %v, want [%s]", got, tt.want)
			}
			for _, c := range tt.column {
				if _, ok := ParseValue(tt.want, c); !ok {
					t.Errorf("ParseValue(%s, %q) does not fit the inferred type", tt.want, c)
				}
			}
		})
	}
}

func TestTypeInferrerRealFile(t *testing.T) {
	f, err := os.Open(realCSV + "kyotenbyoinlist20220101.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewCSVReader("kyoten.csv", f, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, r)
	inf := NewTypeInferrer(len(r.Header()))
	for _, rec := range res.records {
		inf.Add(rec)
	}
	// 病床数 holds "1,075"; 電話番号 "03－3293－1711"; 三次救急 "○" and the
	// total "26" of the footer row.
	want := []ColumnType{TypeText, TypeText, TypeText, TypeText, TypeText, TypeInteger, TypeText}
	if diff := cmp.Diff(want, inf.Types()); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
}

func BenchmarkTypeInferrer(b *testing.B) {
	row := []string{"123", "施設123", "35.123456", "139.123456", "131229", "公園", "9:00", "令和5年4月1日", "○", "備考"}
	inf := NewTypeInferrer(len(row))
	for b.Loop() {
		inf.Add(row)
	}
}
