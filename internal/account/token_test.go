package account

import (
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
)

func TestTokenAllows(t *testing.T) {
	const kpu, yukon = "did:web:kpu.example", "did:key:z6MkYukon"
	read := Token{Scopes: []Scope{ScopeCredentialsRead, ScopeCasesRead}}
	issueKPU := Token{Scopes: []Scope{ScopeCredentialsIssue}, IssuerDID: kpu}
	issueAny := Token{Scopes: []Scope{ScopeCredentialsIssue}}
	admin := Token{Scopes: []Scope{ScopeAdmin}}
	adminKPU := Token{Scopes: []Scope{ScopeAdmin}, IssuerDID: kpu}
	revoked := Token{Scopes: []Scope{ScopeAdmin}, RevokedAt: time.Unix(1, 0)}
	tests := []struct {
		name   string
		tok    Token
		scope  Scope
		issuer string
		want   bool
	}{
		{"scope held", read, ScopeCasesRead, "", true},
		{"scope not held", read, ScopeCasesWrite, "", false},
		{"unknown scope", admin, Scope("everything"), "", false},
		{"issue for its issuer", issueKPU, ScopeCredentialsIssue, kpu, true},
		{"issue for another issuer", issueKPU, ScopeCredentialsIssue, yukon, false},
		{"restricted token, issue naming no issuer", issueKPU, ScopeCredentialsIssue, "", false},
		{"unrestricted token, any issuer", issueAny, ScopeCredentialsIssue, yukon, true},
		{"admin grants every scope", admin, ScopeAwardsWrite, yukon, true},
		{"restricted admin, its issuer", adminKPU, ScopeCredentialsIssue, kpu, true},
		{"restricted admin, another issuer", adminKPU, ScopeAwardsWrite, yukon, false},
		{"restricted admin, no issuer involved", adminKPU, ScopeCasesRead, "", true},
		{"revoked", revoked, ScopeCasesRead, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.tok.Allows(tt.scope, tt.issuer); got != tt.want {
				t.Errorf("Allows(%s, %q) = %t, want %t", tt.scope, tt.issuer, got, tt.want)
			}
		})
	}
}

func TestTokenActive(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		tok  Token
		want bool
	}{
		{"no expiry", Token{}, true},
		{"expires later", Token{ExpiresAt: now.Add(time.Second)}, true},
		{"expires now", Token{ExpiresAt: now}, false},
		{"revoked", Token{RevokedAt: now.Add(-time.Hour)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.tok.Active(now); got != tt.want {
				t.Errorf("Active = %t, want %t", got, tt.want)
			}
		})
	}
}

func TestParseScopes(t *testing.T) {
	got, err := ParseScopes("credentials:issue, cases:read")
	if err != nil || len(got) != 2 || got[0] != ScopeCredentialsIssue || got[1] != ScopeCasesRead {
		t.Fatalf("got %v, %v; want credentials:issue and cases:read", got, err)
	}
	for name, in := range map[string]string{
		"empty":    "",
		"unknown":  "cases:read root",
		"repeated": "cases:read cases:read",
		"too long": strings.Repeat("cases:read ", 100),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseScopes(in)
			var ae *apperror.Error
			if !asAppError(err, &ae) || ae.Field != "scopes" {
				t.Errorf("got %v, want Invalid about scopes", err)
			}
		})
	}
}

func TestCheckTokenFields(t *testing.T) {
	ok := []Scope{ScopeCasesRead}
	tests := []struct {
		name, tokName string
		scopes        []Scope
		did, field    string
	}{
		{"fine", "SIS import", ok, "did:web:kpu.example", ""},
		{"no name", "  ", ok, "", "name"},
		{"long name", strings.Repeat("n", MaxTokenNameBytes+1), ok, "", "name"},
		{"control character in name", "a\nb", ok, "", "name"},
		{"no scopes", "x", nil, "", "scopes"},
		{"not a DID", "x", ok, "https://kpu.example", "issuer_did"},
		{"DID with space", "x", ok, "did:web:kpu example", "issuer_did"},
		{"long DID", "x", ok, "did:web:" + strings.Repeat("a", MaxIssuerDIDBytes), "issuer_did"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTokenFields(tt.tokName, tt.scopes, tt.did)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var ae *apperror.Error
			if !asAppError(err, &ae) || ae.Field != tt.field {
				t.Errorf("got %v, want Invalid about %s", err, tt.field)
			}
		})
	}
}
