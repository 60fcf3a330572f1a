package did

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestHTTPFetcher(t *testing.T) {
	doc := []byte(`{"id":"did:web:x"}`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/did.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/did+json")
		w.Write(doc)
	})
	mux.HandleFunc("GET /big/did.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat(" ", 2048)))
	})
	ts := httptest.NewTLSServer(mux)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	f := HTTPFetcher{Client: ts.Client(), MaxBytes: 1024}
	got, err := f.Fetch(ctx, ts.URL+"/.well-known/did.json")
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if string(got) != string(doc) {
		t.Errorf("got %q, want %q", got, doc)
	}
	for name, u := range map[string]string{
		"not found":  ts.URL + "/nothing/did.json",
		"too large":  ts.URL + "/big/did.json",
		"plain http": strings.Replace(ts.URL, "https://", "http://", 1) + "/.well-known/did.json",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.Fetch(ctx, u); err == nil {
				t.Errorf("Fetch(%s) succeeded, want an error", u)
			}
		})
	}
}

func TestHTTPFetcherDefaultClientRefusesLoopback(t *testing.T) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := HTTPFetcher{}.Fetch(ctx, ts.URL+"/.well-known/did.json")
	if !errors.Is(err, errPrivateAddress) {
		t.Errorf("error = %v, want %v", err, errPrivateAddress)
	}
}

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14": true, "2606:2800:21f:cb07:6820:80da:af6b:8b2c": true,
		"127.0.0.1": false, "10.1.2.3": false, "192.168.1.1": false, "172.16.0.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "::1": false, "fe80::1": false,
		"fd00::1": false, "0.0.0.0": false, "::ffff:127.0.0.1": false, "224.0.0.1": false,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestResolverOverHTTPS(t *testing.T) {
	// The whole path: did:web with a port, the HTTPS fetch and the checks.
	mux := http.NewServeMux()
	var did string
	mux.HandleFunc("GET /issuers/registrar/did.json", func(w http.ResponseWriter, r *http.Request) {
		d, err := WebDocument(did, []VerificationKey{{Public: fixturePub(t, "p256.pub.jwk")}})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(mustJSON(t, d))
	})
	ts := httptest.NewTLSServer(mux)
	defer ts.Close()
	host := strings.TrimPrefix(ts.URL, "https://")
	did = "did:web:" + strings.Replace(host, ":", "%3A", 1) + ":issuers:registrar"

	r := NewResolver(ResolverConfig{Fetcher: HTTPFetcher{Client: ts.Client()}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pub, err := r.ResolveKeyFor(ctx, did+"#key-1", AssertionMethod)
	if err != nil {
		t.Fatalf("ResolveKeyFor: %v", err)
	}
	if !samePublic(pub, fixturePub(t, "p256.pub.jwk")) {
		t.Errorf("wrong key")
	}
}
