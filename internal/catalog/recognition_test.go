package catalog

import (
	"strings"
	"testing"

	"cairn/internal/apperror"
)

func chart() RecognitionChart {
	return RecognitionChart{Clause: "FAQ 1", Entries: []Recognition{
		{Basis: "completion", Kinds: []Kind{DigitalBadge}, CreditStatuses: []CreditStatus{NonCredit},
			Recognition: "Digital Badge", ApprovingBody: "dbc"},
		{Basis: "completion", Kinds: []Kind{DigitalBadge}, CreditStatuses: []CreditStatus{CreditBearing, Embedded},
			NotApplicable: true},
		{Basis: "competency", Kinds: []Kind{MicroCredential}, CreditStatuses: []CreditStatus{NonCredit, CreditBearing, Embedded},
			Recognition: "Micro-credential, represented by an Open Badge", ApprovingBody: "smc"},
	}}
}

func TestRecognitionChartChoose(t *testing.T) {
	tests := []struct {
		name     string
		kind     Kind
		credit   CreditStatus
		wantBody string
		wantErr  string
	}{
		{"badge non-credit", DigitalBadge, NonCredit, "dbc", ""},
		{"badge credit ruled out", DigitalBadge, CreditBearing, "", "a digital badge cannot be credit-bearing (FAQ 1)"},
		{"micro-credential embedded", MicroCredential, Embedded, "smc", ""},
		{"short course absent", ShortCourse, NonCredit, "", "has no entry for a short course"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := chart().Choose(tt.kind, tt.credit)
			if tt.wantErr != "" {
				if apperror.CodeOf(err) != apperror.Invalid || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Choose error = %v, want invalid containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ApprovingBody != tt.wantBody {
				t.Errorf("approving body = %q, want %q", got.ApprovingBody, tt.wantBody)
			}
		})
	}
}
