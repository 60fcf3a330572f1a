package registry

import (
	"errors"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"cairn/internal/apperror"
)

func TestNormalize(t *testing.T) {
	got, err := Query{Text: "  welding  ", Kind: " digital_badge "}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	want := Query{Text: "welding", Kind: "digital_badge", Page: 1, PerPage: DefaultPerPage}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestNormalizeRefuses(t *testing.T) {
	tests := []struct {
		name  string
		q     Query
		field string
	}{
		{"text too long", Query{Text: strings.Repeat("é", MaxTextLen+1)}, ParamText},
		{"text not utf-8", Query{Text: "\xff"}, ParamText},
		{"institution not a slug", Query{Institution: "KPU!"}, ParamInstitution},
		{"unknown kind", Query{Kind: "degree"}, ParamKind},
		{"unknown credit status", Query{CreditStatus: "maybe"}, ParamCredit},
		{"unknown delivery", Query{Delivery: "carrier pigeon"}, ParamDelivery},
		{"competency too long", Query{Competency: strings.Repeat("x", MaxCompetencyLen+1)}, ParamCompetency},
		{"negative minimum", Query{MinHours: -1}, ParamMinHours},
		{"NaN maximum", Query{MaxHours: math.NaN()}, ParamMaxHours},
		{"huge maximum", Query{MaxHours: MaxHours + 1}, ParamMaxHours},
		{"minimum above maximum", Query{MinHours: 10, MaxHours: 5}, ParamMaxHours},
		{"negative page", Query{Page: -1}, ParamPage},
		{"page size too big", Query{PerPage: MaxPerPage + 1}, ParamPerPage},
		{"page past the results bound", Query{Page: MaxResults/DefaultPerPage + 1}, ParamPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.q.Normalize()
			var ae *apperror.Error
			if !errors.As(err, &ae) || ae.Code != apperror.Invalid || ae.Field != tt.field {
				t.Errorf("got error %v, want invalid about %q", err, tt.field)
			}
		})
	}
}

func TestNormalizeAccepts(t *testing.T) {
	for _, q := range []Query{
		{CreditStatus: CreditInterim},
		{CreditStatus: "non_credit", Delivery: "online", Kind: "micro_course", Institution: "yukon_u"},
		{MinHours: 5, MaxHours: 5},
		{Page: MaxResults / MaxPerPage, PerPage: MaxPerPage},
		{Text: strings.Repeat("é", MaxTextLen)},
	} {
		if _, err := q.Normalize(); err != nil {
			t.Errorf("%+v: got error %v, want none", q, err)
		}
	}
}

func TestTerms(t *testing.T) {
	q := Query{Text: "Heat heat PUMPS, pompe à chaleur"}
	if got, want := q.Terms(), []string{"heat", "pumps", "pompe", "a", "chaleur"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	var words []string
	for i := range MaxTerms + 5 {
		words = append(words, "w"+string(rune('a'+i)))
	}
	if got := (Query{Text: strings.Join(words, " ")}).Terms(); len(got) != MaxTerms {
		t.Errorf("got %d terms, want %d", len(got), MaxTerms)
	}
}

func TestParseQuery(t *testing.T) {
	v := url.Values{"q": {"heat pump"}, "institution": {"kpu"}, "kind": {"micro_credential"}, "credit": {"interim"},
		"delivery": {"blended"}, "competency": {"S6.4.1"}, "min_hours": {"10"}, "max_hours": {"40.5"},
		"page": {"2"}, "per_page": {"50"}, "unknown": {"x"}}
	q, err := ParseQuery(v)
	if err != nil {
		t.Fatal(err)
	}
	want := Query{Text: "heat pump", Institution: "kpu", Kind: "micro_credential", CreditStatus: "interim", Delivery: "blended",
		Competency: "S6.4.1", MinHours: 10, MaxHours: 40.5, Page: 2, PerPage: 50}
	if q != want {
		t.Errorf("got %+v, want %+v", q, want)
	}
	delete(v, "unknown")
	if got := q.Values(); got.Encode() != v.Encode() {
		t.Errorf("Values: got %s, want %s", got.Encode(), v.Encode())
	}
	if got := (Query{Page: 1, PerPage: DefaultPerPage}).Values(); len(got) != 0 {
		t.Errorf("default query: got %s, want no parameters", got.Encode())
	}
}

func TestParseQueryRefuses(t *testing.T) {
	for _, tt := range []struct{ param, value string }{
		{ParamMinHours, "ten"}, {ParamMaxHours, "1e999"}, {ParamPage, "0"}, {ParamPage, "two"}, {ParamPerPage, "-5"},
		{ParamKind, "badge"},
	} {
		_, err := ParseQuery(url.Values{tt.param: {tt.value}})
		var ae *apperror.Error
		if !errors.As(err, &ae) || ae.Field != tt.param {
			t.Errorf("%s=%s: got error %v, want one about %s", tt.param, tt.value, err, tt.param)
		}
	}
}

func TestNewResult(t *testing.T) {
	tests := []struct {
		total, perPage, wantTotal, wantPages int
		wantMore                             bool
	}{
		{0, 20, 0, 0, false}, {1, 20, 1, 1, false}, {20, 20, 20, 1, false}, {21, 20, 21, 2, false},
		{MaxResults, 100, MaxResults, 10, false}, {MaxResults + 1, 20, MaxResults, 50, true},
	}
	for _, tt := range tests {
		r := NewResult(Query{Page: 1, PerPage: tt.perPage}, nil, tt.total)
		if r.Total != tt.wantTotal || r.More != tt.wantMore || r.Pages != tt.wantPages || r.Items == nil {
			t.Errorf("total %d per page %d: got total %d more %v, %d pages (items nil: %v); want %d, %v, %d and an empty list",
				tt.total, tt.perPage, r.Total, r.More, r.Pages, r.Items == nil, tt.wantTotal, tt.wantMore, tt.wantPages)
		}
	}
	if got := (Query{Page: 3, PerPage: 20}).Offset(); got != 40 {
		t.Errorf("got offset %d, want 40", got)
	}
}
