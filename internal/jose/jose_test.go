package jose

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cairn/internal/keys"
)

const credential = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:web:example.edu"}`

func fixtureKey(t testing.TB, name string) *keys.Key {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.ParsePrivateJWK(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testKeys returns one key per algorithm: generated Ed25519 and P-256 and
// the RSA 2048 fixture.
func testKeys(t testing.TB) map[string]*keys.Key {
	t.Helper()
	out := map[string]*keys.Key{keys.RS256: fixtureKey(t, "rsa2048.jwk")}
	for _, typ := range []keys.Type{keys.Ed25519, keys.P256} {
		k, err := keys.Generate(typ)
		if err != nil {
			t.Fatal(err)
		}
		out[k.Algorithm()] = k
	}
	return out
}

func keyFor(pub crypto.PublicKey) func(string) (crypto.PublicKey, error) {
	return func(string) (crypto.PublicKey, error) { return pub, nil }
}

func TestSignVerifyEachAlgorithm(t *testing.T) {
	for alg, k := range testKeys(t) {
		t.Run(alg, func(t *testing.T) {
			kid := "did:web:example.edu#key-1"
			tok, err := Sign([]byte(credential), k.Signer(), alg, kid, "")
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			j, err := Parse(tok, Limits{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := Header{Alg: alg, Kid: kid, Typ: DefaultTyp}
			if j.Header != want {
				t.Errorf("header = %+v, want %+v", j.Header, want)
			}
			if string(j.Payload) != credential {
				t.Errorf("payload = %s, want the credential itself", j.Payload)
			}
			var gotKid string
			err = j.Verify(func(kid string) (crypto.PublicKey, error) {
				gotKid = kid
				return k.Public(), nil
			}, nil)
			if err != nil {
				t.Errorf("Verify: %v", err)
			}
			if gotKid != kid {
				t.Errorf("resolver asked for %q, want %q", gotKid, kid)
			}
		})
	}
}

func TestSignDefaults(t *testing.T) {
	k := testKeys(t)[keys.ES256]
	tok, err := Sign([]byte(credential), k.Signer(), "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	j, err := Parse(tok, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if string(j.RawHeader) != `{"alg":"ES256","typ":"vc+jwt"}` {
		t.Errorf("header = %s, want alg from the key, no kid, typ vc+jwt", j.RawHeader)
	}
	tok, err = Sign([]byte(credential), k.Signer(), keys.ES256, "k", "vp+jwt")
	if err != nil {
		t.Fatal(err)
	}
	if j, _ = Parse(tok, Limits{}); j.Header.Typ != "vp+jwt" {
		t.Errorf("typ = %q, want vp+jwt", j.Header.Typ)
	}
}

func TestSignRejectsMismatch(t *testing.T) {
	ks := testKeys(t)
	for _, tt := range []struct{ key, alg string }{
		{keys.EdDSA, keys.ES256}, {keys.ES256, keys.RS256}, {keys.RS256, keys.EdDSA}, {keys.RS256, "HS256"},
	} {
		if _, err := Sign([]byte(credential), ks[tt.key].Signer(), tt.alg, "", ""); err == nil {
			t.Errorf("Sign with a %s key as %s succeeded", tt.key, tt.alg)
		}
	}
}

func TestVerifyOtherImplementation(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tokens []struct{ Alg, Key, Token string }
	if err := json.Unmarshal(b, &tokens); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tokens {
		t.Run(tt.Alg, func(t *testing.T) {
			j, err := Parse(tt.Token, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if err := j.Verify(keyFor(fixtureKey(t, tt.Key).Public()), nil); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestVerifyRFC8037Example(t *testing.T) {
	// RFC 8037 appendix A.4: a JWS over "Example of Ed25519 signing".
	const tok = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
	pub, err := keys.ParsePublicJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	if err != nil {
		t.Fatal(err)
	}
	j, err := Parse(tok, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Verify(keyFor(pub), nil); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if string(j.Payload) != "Example of Ed25519 signing" {
		t.Errorf("payload = %q", j.Payload)
	}
}

// forge returns a token with the given header JSON, the credential payload
// and signature bytes sig.
func forge(header string, sig []byte) string {
	e := base64.RawURLEncoding.EncodeToString
	return e([]byte(header)) + "." + e([]byte(credential)) + "." + e(sig)
}

func TestVerifyRejects(t *testing.T) {
	ks := testKeys(t)
	ed, p256, rsa := ks[keys.EdDSA], ks[keys.ES256], ks[keys.RS256]
	signed := func(k *keys.Key, alg string) *JWS {
		tok, err := Sign([]byte(credential), k.Signer(), alg, "kid", "")
		if err != nil {
			t.Fatal(err)
		}
		j, err := Parse(tok, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	// A P-256 signature relabelled, so the header names another algorithm.
	relabel := func(j *JWS, alg string) *JWS {
		tok := forge(`{"alg":"`+alg+`","kid":"kid"}`, j.Signature)
		out, err := Parse(tok, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tampered := signed(ed, keys.EdDSA)
	tampered.Payload = nil
	tampered.signingInput += "x"

	tests := []struct {
		name    string
		jws     *JWS
		key     crypto.PublicKey
		allowed []string
		want    error
	}{
		{"none", relabel(signed(ed, keys.EdDSA), "none"), ed.Public(), nil, ErrAlgorithm},
		{"none even if allowed", relabel(signed(ed, keys.EdDSA), "none"), ed.Public(), []string{"none"}, ErrAlgorithm},
		{"HS256 even if allowed", relabel(signed(ed, keys.EdDSA), "HS256"), ed.Public(), []string{"HS256"}, ErrAlgorithm},
		{"HS384", relabel(signed(ed, keys.EdDSA), "HS384"), ed.Public(), nil, ErrAlgorithm},
		{"HS512", relabel(signed(ed, keys.EdDSA), "HS512"), ed.Public(), nil, ErrAlgorithm},
		{"PS256 unsupported", relabel(signed(rsa, keys.RS256), "PS256"), rsa.Public(), []string{"PS256"}, ErrAlgorithm},
		{"ES384 unsupported", relabel(signed(p256, keys.ES256), "ES384"), p256.Public(), nil, ErrAlgorithm},
		{"RS256 not in allow-list", signed(rsa, keys.RS256), rsa.Public(), []string{keys.EdDSA, keys.ES256}, ErrAlgorithm},
		{"empty allow-list", signed(ed, keys.EdDSA), ed.Public(), []string{}, ErrAlgorithm},
		{"ES256 header with Ed25519 key", relabel(signed(ed, keys.EdDSA), keys.ES256), ed.Public(), nil, keys.ErrMismatch},
		{"RS256 header with EC key", relabel(signed(p256, keys.ES256), keys.RS256), p256.Public(), nil, keys.ErrMismatch},
		{"EdDSA header with RSA key", relabel(signed(rsa, keys.RS256), keys.EdDSA), rsa.Public(), nil, keys.ErrMismatch},
		{"ES256 header with RSA key", relabel(signed(rsa, keys.RS256), keys.ES256), rsa.Public(), nil, ErrKey},
		{"key of another signer", signed(ed, keys.EdDSA), mustGenerate(t, keys.Ed25519).Public(), nil, ErrSignature},
		{"tampered payload", tampered, ed.Public(), nil, ErrSignature},
		{"unsupported key type", signed(ed, keys.EdDSA), "a string", nil, ErrKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.jws.Verify(keyFor(tt.key), tt.allowed); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("resolver fails", func(t *testing.T) {
		fail := func(string) (crypto.PublicKey, error) { return nil, errors.New("unknown kid") }
		if err := signed(ed, keys.EdDSA).Verify(fail, nil); !errors.Is(err, ErrKey) {
			t.Errorf("error = %v, want %v", err, ErrKey)
		}
	})
	t.Run("resolver returns nil", func(t *testing.T) {
		if err := signed(ed, keys.EdDSA).Verify(keyFor(nil), nil); !errors.Is(err, ErrKey) {
			t.Errorf("error = %v, want %v", err, ErrKey)
		}
	})
}

func mustGenerate(t *testing.T, typ keys.Type) *keys.Key {
	t.Helper()
	k, err := keys.Generate(typ)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseRejects(t *testing.T) {
	sig := []byte{1, 2, 3}
	e := base64.RawURLEncoding.EncodeToString
	good := forge(`{"alg":"EdDSA"}`, sig)
	deep := `{"alg":"EdDSA","x":` + strings.Repeat("[", maxHeaderDepth) + strings.Repeat("]", maxHeaderDepth) + `}`
	tests := []struct {
		name  string
		token string
		lim   Limits
		want  error
	}{
		{"too large", good, Limits{MaxTokenBytes: len(good) - 1}, ErrTooLarge},
		{"header too large", forge(`{"alg":"EdDSA","x":"`+strings.Repeat("a", 100)+`"}`, sig), Limits{MaxHeaderBytes: 64}, ErrTooLarge},
		{"two parts", e([]byte(`{"alg":"EdDSA"}`)) + "." + e([]byte("{}")), Limits{}, ErrMalformed},
		{"JWE five parts", good + ".a.b", Limits{}, ErrMalformed},
		{"empty payload (detached)", e([]byte(`{"alg":"EdDSA"}`)) + ".." + e(sig), Limits{}, ErrMalformed},
		{"empty signature", strings.TrimSuffix(good, e(sig)), Limits{}, ErrMalformed},
		{"padding", good + "=", Limits{}, ErrMalformed},
		{"standard base64 alphabet", strings.Replace(good, ".", ".+", 1), Limits{}, ErrMalformed},
		{"non-canonical trailing bits", strings.TrimSuffix(forge(`{"alg":"EdDSA"}`, []byte{1}), "AQ") + "AR", Limits{}, ErrMalformed},
		{"header not json", forge(`alg`, sig), Limits{}, ErrMalformed},
		{"header an array", forge(`["alg"]`, sig), Limits{}, ErrMalformed},
		{"header trailing data", forge(`{"alg":"EdDSA"}{}`, sig), Limits{}, ErrMalformed},
		{"no alg", forge(`{"kid":"k"}`, sig), Limits{}, ErrMalformed},
		{"empty alg", forge(`{"alg":""}`, sig), Limits{}, ErrMalformed},
		{"null alg", forge(`{"alg":null}`, sig), Limits{}, ErrMalformed},
		{"alg not a string", forge(`{"alg":1}`, sig), Limits{}, ErrMalformed},
		{"kid not a string", forge(`{"alg":"EdDSA","kid":{}}`, sig), Limits{}, ErrMalformed},
		{"duplicate alg", forge(`{"alg":"EdDSA","alg":"none"}`, sig), Limits{}, ErrMalformed},
		{"duplicate alg escaped", forge(`{"alg":"EdDSA","\u0061lg":"none"}`, sig), Limits{}, ErrMalformed},
		{"duplicate nested member", forge(`{"alg":"EdDSA","jwk":{"x":1,"x":2}}`, sig), Limits{}, ErrMalformed},
		{"crit", forge(`{"alg":"EdDSA","crit":["exp"],"exp":1}`, sig), Limits{}, ErrMalformed},
		{"unencoded payload", forge(`{"alg":"EdDSA","b64":false}`, sig), Limits{}, ErrMalformed},
		{"too deep", forge(deep, sig), Limits{}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.token, tt.lim); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	// Just inside the limits is fine.
	if _, err := Parse(good, Limits{MaxTokenBytes: len(good)}); err != nil {
		t.Errorf("token at the size limit: %v", err)
	}
	ok := `{"alg":"EdDSA","x":` + strings.Repeat("[", maxHeaderDepth-1) + strings.Repeat("]", maxHeaderDepth-1) + `}`
	if _, err := Parse(forge(ok, sig), Limits{}); err != nil {
		t.Errorf("header at the depth limit: %v", err)
	}
	if _, err := Parse(forge(`{"alg":"EdDSA","jwk":{"x":1},"a":[{"x":1},{"x":2}]}`, sig), Limits{}); err != nil {
		t.Errorf("same name in different objects: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	ks := testKeys(f)
	for alg, k := range ks {
		tok, err := Sign([]byte(credential), k.Signer(), alg, "did:web:example.edu#key-1", "")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok)
	}
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("..")
	ed := ks[keys.EdDSA].Public()
	f.Fuzz(func(t *testing.T, token string) {
		j, err := Parse(token, Limits{MaxTokenBytes: 1 << 16})
		if err != nil {
			return
		}
		if j.Header.Alg == "" || len(j.Signature) == 0 || len(j.Payload) == 0 {
			t.Fatalf("Parse accepted %q with header %+v", token, j.Header)
		}
		// Whatever was parsed, verification must not panic, and a token
		// claiming an algorithm outside the defaults must never verify.
		err = j.Verify(keyFor(ed), nil)
		if err == nil && j.Header.Alg != keys.EdDSA {
			t.Fatalf("alg %q verified with an Ed25519 key", j.Header.Alg)
		}
	})
}
