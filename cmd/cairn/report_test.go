package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/sqlstore"
)

func runReport(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"report"}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

func TestReportCommand(t *testing.T) {
	d := newAwardDemo(t)
	cohort := d.csv(t, "cohort.csv", "email,name,result\nada@example.edu,Ada,A\ngrace@example.edu,Grace,A-\n")
	if _, _, err := d.award(t, "", "--csv", cohort, "--offering", strconv.FormatInt(d.offering, 10), "--yes", "--by", d.registrar); err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(t.Context(), filepath.Join(d.dir, "cairn.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := st.InstitutionBySlug(t.Context(), "kpu")
	if err != nil {
		t.Fatal(err)
	}
	os, err := st.Offerings(t.Context(), inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	awards, credited := 0, 0
	for _, o := range os {
		as, err := st.AwardsForOffering(t.Context(), o.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		awards += len(as)
		for _, a := range as {
			if a.Credits > 0 {
				credited++
			}
		}
	}
	st.Close()
	if awards < 2 {
		t.Fatalf("the demo has %d KPU awards, want the 2 just made at least", awards)
	}

	out, err := runReport(t, "awards", "--institution", "kpu", "--data", d.dir, "--from", "2020-01-01", "--to", "2035-12-31", "--period", "year")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != "period,offering_id,title,awards" {
		t.Fatalf("awards report: %q, %v", out, err)
	}
	sum := 0
	for _, r := range rows[1:] {
		n, _ := strconv.Atoi(r[3])
		sum += n
	}
	if sum != awards {
		t.Errorf("the awards report counts %d awards, want the %d KPU awards", sum, awards)
	}

	out, err = runReport(t, "transcripts", "--institution", "kpu", "--data", d.dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != credited+1 || strings.Join(rows[0], ",") != strings.Join(sqlstore.TranscriptColumns, ",") {
		t.Errorf("transcripts: got %d rows (%v), want a header and %d entries", len(rows), err, credited)
	}

	for _, args := range [][]string{
		{"nonsense", "--institution", "kpu", "--data", d.dir},
		{"awards", "--data", d.dir},
		{"awards", "--institution", "kpu", "--data", d.dir, "--from", "May 1"},
		{"awards", "--institution", "kpu", "--data", d.dir, "--period", "week"},
		{"awards", "--institution", "nowhere", "--data", d.dir},
	} {
		if _, err := runReport(t, args...); err == nil {
			t.Errorf("cairn report %q: no error", args)
		} else if ee, ok := err.(exitError); !ok || ee.code != 2 {
			t.Errorf("cairn report %q: got %v, want exit status 2", args, err)
		}
	}
}
