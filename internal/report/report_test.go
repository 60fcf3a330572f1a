package report

import (
	"bytes"
	"slices"
	"testing"
)

func TestDefuse(t *testing.T) {
	got := Defuse([]string{"=HYPERLINK(\"x\")", "-1.5", "+cmd", "@SUM(A1)", "plain", "", "-"})
	want := []string{"'=HYPERLINK(\"x\")", "-1.5", "'+cmd", "'@SUM(A1)", "plain", "", "'-"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	err := WriteCSV(&b, Table{Columns: []string{"period", "title", "awards"}, Rows: [][]string{{"2026-03", "Data, \"Cleaning\"", "3"}, {"2026-04", "=1+1", "1"}}})
	want := "period,title,awards\n2026-03,\"Data, \"\"Cleaning\"\"\",3\n2026-04,'=1+1,1\n"
	if err != nil || b.String() != want {
		t.Errorf("got %q, %v; want %q", b.String(), err, want)
	}
	if !IsName(Awards) || IsName(Transcripts) || IsName("nope") {
		t.Error("IsName names the reports Build makes, not the transcript export")
	}
}
