package award

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
)

func TestParseCSVReadsEveryColumn(t *testing.T) {
	in := "\ufeff Email , NAME,result,evidence_url,issued_on,did\n" +
		"  Ada@Example.edu ,Ada Lovelace,A-,https://portfolio.example.edu/ada,2026-06-01,did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\n" +
		"\n" +
		"\"bob@example.edu\",\"Bob, Jr.\",,,,\n"
	sheet, err := ParseCSV(strings.NewReader(in), CSVOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sheet.Columns, ","); got != "email,name,result,evidence_url,issued_on,did" {
		t.Errorf("got columns %s", got)
	}
	if len(sheet.Rows) != 2 || sheet.Valid() != 2 {
		t.Fatalf("got %d rows, %d valid; want 2 valid", len(sheet.Rows), sheet.Valid())
	}
	ada, bob := sheet.Rows[0], sheet.Rows[1]
	want := Row{Line: 2, Email: "ada@example.edu", Name: "Ada Lovelace", Result: "A-", EvidenceURL: "https://portfolio.example.edu/ada",
		DID: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", IssuedOn: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	if ada != want {
		t.Errorf("got %+v, want %+v", ada, want)
	}
	if bob.Line != 4 || bob.Name != "Bob, Jr." || bob.Email != "bob@example.edu" || !bob.IssuedOn.IsZero() {
		t.Errorf("got %+v, want Bob on line 4", bob)
	}
	if got := sheet.Emails(); strings.Join(got, " ") != "ada@example.edu bob@example.edu" {
		t.Errorf("got emails %v", got)
	}
}

func TestParseCSVRowErrors(t *testing.T) {
	in := "email,name,evidence_url,issued_on,did\n" +
		"ada@example.edu,Ada,,,\n" +
		"not-an-email,X,,,\n" +
		"Ada <ada@example.edu>,X,,,\n" +
		"ADA@example.edu,Ada again,,,\n" +
		"bob@example.edu,Bob,javascript:alert(1),,\n" +
		"carol@example.edu,Carol,,2026-06-20,\n" +
		"dan@example.edu,Dan,,19-06-2026,\n" +
		"erin@example.edu,Erin,,,not-a-did\n" +
		"fay@example.edu,Fay\n" +
		"gus@localhost,Gus,,,\n" +
		"hal@example.edu,\xff\xfe,,,\n" +
		"ida@example.edu," + strings.Repeat("n", 201) + ",,,\n" +
		",Nobody,,,\n"
	sheet, err := ParseCSV(strings.NewReader(in), CSVOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line  int
		field string
		msg   string
	}{
		{2, "", ""},
		{3, "email", "not an email address"},
		{4, "email", "not an email address"},
		{5, "email", "duplicate: this learner is already on line 2"},
		{6, "evidence_url", "http(s) URL"},
		{7, "issued_on", "in the future"},
		{8, "issued_on", "YYYY-MM-DD"},
		{9, "did", "must be a DID"},
		{10, "csv", "has 2 fields, want 5"},
		{11, "email", "domain name"},
		{12, "name", "UTF-8"},
		{13, "name", "at most 200"},
		{14, "email", "is required"},
	}
	if len(sheet.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(sheet.Rows), len(want))
	}
	for i, w := range want {
		r := sheet.Rows[i]
		switch {
		case r.Line != w.line:
			t.Errorf("row %d: got line %d, want %d", i, r.Line, w.line)
		case w.field == "" && r.Err != nil:
			t.Errorf("line %d: got error %v, want none", w.line, r.Err)
		case w.field != "" && (r.Err == nil || r.Err.Code != apperror.Invalid || r.Err.Field != w.field || !strings.Contains(r.Err.Message, w.msg)):
			t.Errorf("line %d: got error %v, want %s: …%s…", w.line, r.Err, w.field, w.msg)
		}
	}
	if sheet.Valid() != 1 {
		t.Errorf("got %d valid rows, want 1", sheet.Valid())
	}
}

func TestParseCSVRefusesFiles(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts CSVOptions
		msg  string
	}{
		{"empty", "", CSVOptions{}, "empty"},
		{"header only", "email,name\n", CSVOptions{}, "no rows"},
		{"no email column", "name,result\nAda,A\n", CSVOptions{}, `include "email"`},
		{"unknown column", "email,grade\na@example.edu,A\n", CSVOptions{}, `unknown column "grade"`},
		{"column twice", "email,name,email\n", CSVOptions{}, "appears twice"},
		{"too many rows", "email\na@example.edu\nb@example.edu\nc@example.edu\n", CSVOptions{MaxRows: 2}, "more than 2 rows"},
		{"line too long", "email,name\na@example.edu," + strings.Repeat("x", 100) + "\n", CSVOptions{MaxLineBytes: 64}, "line 2 is longer than 64 bytes"},
		{"file too large", "email\n" + strings.Repeat("a@example.edu\n", 100), CSVOptions{MaxBytes: 500}, "larger than 500 bytes"},
		{"broken quotes", "email,name\na@example.edu,\"Ada\n", CSVOptions{}, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tt.in), tt.opts)
			var ae *apperror.Error
			if !errors.As(err, &ae) || ae.Code != apperror.Invalid || ae.Field != "csv" || !strings.Contains(ae.Message, tt.msg) {
				t.Fatalf("got %v, want an invalid csv error saying %q", err, tt.msg)
			}
		})
	}
}

func TestParseCSVDefaultLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("email\n")
	for i := range DefaultMaxRows + 1 {
		b.WriteString("l")
		b.WriteString(strings.Repeat("x", i%3))
		b.WriteString("@example.edu\n")
	}
	_, err := ParseCSV(strings.NewReader(b.String()), CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "more than 200000 rows") {
		t.Fatalf("got %v, want the default row limit", err)
	}
}

func TestLinkRequiresKnownLearners(t *testing.T) {
	sheet, err := ParseCSV(strings.NewReader("email\nada@example.edu\nbob@example.edu\nbad\n"), CSVOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	sheet.Link(map[string]int64{"ada@example.edu": 7}, true)
	if r := sheet.Rows[0]; r.PersonID != 7 || r.Err != nil {
		t.Errorf("Ada: got %+v, want linked to person 7", r)
	}
	if r := sheet.Rows[1]; r.Err == nil || !strings.Contains(r.Err.Message, "unknown learner") {
		t.Errorf("Bob: got %v, want unknown learner", r.Err)
	}
	if r := sheet.Rows[2]; r.Err == nil || strings.Contains(r.Err.Message, "unknown") {
		t.Errorf("bad row: got %v, want its own error kept", r.Err)
	}
}
