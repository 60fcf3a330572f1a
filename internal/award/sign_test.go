package award

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/keys"
	"cairn/internal/status"
)

func TestPipelineCheck(t *testing.T) {
	p, _ := testPipeline(t, FormatDI, keys.Ed25519, nil)
	tests := []struct {
		name   string
		change func(*Pipeline)
		field  string
	}{
		{"issuer not a DID", func(p *Pipeline) { p.Issuer.ID = "kpu" }, "issuer"},
		{"key of another DID", func(p *Pipeline) { p.VerificationMethod = "did:web:other.example#k1" }, "verification_method"},
		{"no base URL", func(p *Pipeline) { p.BaseURL = "" }, "base_url"},
		{"unknown format", func(p *Pipeline) { p.Format = "pdf" }, "proof_format"},
		{"DI with a P-256 key", func(p *Pipeline) {
			k, _ := keys.Generate(keys.P256)
			p.Signer = k.Signer()
		}, "proof_format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &Pipeline{Issuer: p.Issuer, BaseURL: p.BaseURL, Signer: p.Signer, VerificationMethod: p.VerificationMethod, Format: p.Format, DI: p.DI}
			tt.change(q)
			err := q.Check()
			var ae *apperror.Error
			if !errors.As(err, &ae) || ae.Field != tt.field {
				t.Fatalf("got %v, want an error about %s", err, tt.field)
			}
		})
	}
	if _, err := ParseFormat("both"); err != nil {
		t.Errorf("ParseFormat(both): %v", err)
	}
}

func TestSignStatusListVerifies(t *testing.T) {
	for _, typ := range []keys.Type{keys.Ed25519, keys.P256} {
		t.Run(string(typ), func(t *testing.T) {
			ls := lists{}
			p, v := testPipeline(t, FormatJWT, typ, ls)
			bits, _ := status.NewList(0)
			if err := bits.Set(94567); err != nil {
				t.Fatal(err)
			}
			url := p.StatusListURL(1)
			vc, err := status.ListCredential(url, p.Issuer.ID, status.PurposeRevocation, bits, testNow, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			signed, err := p.SignStatusList(vc)
			if err != nil {
				t.Fatal(err)
			}
			if jwt := !strings.HasPrefix(string(signed), "{"); jwt != (typ != keys.Ed25519) {
				t.Errorf("got JWT %v, want a JWT only for a key that cannot sign DI", jwt)
			}
			ls[url] = signed
			in := testInput(dataAnalytics())
			in.Revocation.ListURL, in.Suspension.ListURL = url, url
			cred, err := p.Issue(in)
			if err != nil {
				t.Fatal(err)
			}
			rep := v.Verify(t.Context(), []byte(cred.JWT))
			if rep.Verified || len(rep.Status) != 2 || rep.Status[0].State != "revoked" {
				t.Errorf("got verified %v, status %+v; want revoked by the signed list", rep.Verified, rep.Status)
			}
		})
	}
}
