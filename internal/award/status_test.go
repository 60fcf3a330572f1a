package award

import (
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from   Status
		action Action
		to     Status
		code   apperror.Code
	}{
		{Active, Suspend, Suspended, ""},
		{Suspended, Reinstate, Active, ""},
		{Active, Revoke, Revoked, ""},
		{Suspended, Revoke, Revoked, ""},
		{Active, Reinstate, "", apperror.Conflict},
		{Suspended, Suspend, "", apperror.Conflict},
		{Revoked, Revoke, "", apperror.Conflict},
		{Revoked, Reinstate, "", apperror.Conflict},
		{Revoked, Suspend, "", apperror.Conflict},
		{Active, "delete", "", apperror.Invalid},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+" "+string(tt.action), func(t *testing.T) {
			got, err := Transition(tt.from, tt.action)
			if got != tt.to || apperror.CodeOf(err) != tt.code {
				t.Errorf("got %q, %v; want %q, code %q", got, err, tt.to, tt.code)
			}
		})
	}
}

func TestState(t *testing.T) {
	until := testNow.AddDate(1, 0, 0)
	for _, tt := range []struct {
		s     Status
		until time.Time
		now   time.Time
		want  string
	}{
		{Active, until, testNow, "active"},
		{Active, until, until, "expired"},
		{Active, time.Time{}, until.AddDate(50, 0, 0), "active"},
		{Suspended, until, until.Add(time.Hour), "suspended"},
		{Revoked, until, until.Add(time.Hour), "revoked"},
	} {
		if got := State(tt.s, tt.until, tt.now); got != tt.want {
			t.Errorf("State(%s, %v, %v): got %s, want %s", tt.s, tt.until, tt.now, got, tt.want)
		}
	}
}

func TestCheckReason(t *testing.T) {
	for reason, want := range map[string]apperror.Code{
		"awarded in error":                  "",
		"   ":                               apperror.Invalid,
		strings.Repeat("x", MaxReasonLen+1): apperror.Invalid,
		"bad\x00byte":                       apperror.Invalid,
	} {
		if got := apperror.CodeOf(CheckReason(reason)); got != want {
			t.Errorf("CheckReason(%.20q): got %q, want %q", reason, got, want)
		}
	}
}

func TestBatchStates(t *testing.T) {
	legal := map[[2]BatchState]bool{
		{Preview, Queued}: true, {Preview, Done}: true, {Preview, Cancelled}: true,
		{Queued, Running}: true, {Queued, Cancelled}: true,
		{Running, Running}: true, {Running, Done}: true, {Running, Failed}: true,
	}
	all := []BatchState{Preview, Queued, Running, Done, Failed, Cancelled}
	for _, from := range all {
		for _, to := range all {
			if got := CanMove(from, to); got != legal[[2]BatchState{from, to}] {
				t.Errorf("CanMove(%s, %s): got %v", from, to, got)
			}
		}
	}
}

func TestNotice(t *testing.T) {
	o := dataAnalytics()
	subject, body := Notice("KPU", "https://credentials.kpu.ca/wallet", "Ada", o)
	if subject != "Your micro-credential: Data Analytics Foundations" {
		t.Errorf("got subject %q", subject)
	}
	for _, want := range []string{"Dear Ada", "KPU has awarded you Data Analytics Foundations", "https://credentials.kpu.ca/wallet", "private"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	o.Status = catalog.ApprovedInterimNonCredit
	if _, body := Notice("KPU", "https://x.example/wallet", "", o); !strings.Contains(body, "non-credit") || !strings.Contains(body, "Hello") {
		t.Errorf("interim notice:\n%s", body)
	}
}
