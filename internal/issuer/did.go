package issuer

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"cairn/internal/did"
)

// errNeedsHTTPS is why an http base URL cannot have did:web identities:
// resolvers fetch did:web documents over HTTPS only.
var errNeedsHTTPS = errors.New("did:web needs an https base URL")

// WebDID returns the did:web of the institution with slug under cairn's
// public URL: did:web:HOST[%3APORT][:PATH…]:institutions:SLUG, whose
// document resolvers fetch from BASE/institutions/SLUG/did.json.
func WebDID(baseURL, slug string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", fmt.Errorf("did:web for %s: base URL: %w", slug, err)
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("did:web for %s: %w, not %s", slug, errNeedsHTTPS, baseURL)
	}
	msi := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "443" {
		msi += "%3A" + p
	}
	var segs []string
	for _, s := range strings.Split(strings.Trim(u.EscapedPath(), "/"), "/") {
		if s != "" {
			segs = append(segs, strings.ReplaceAll(s, ":", "%3A"))
		}
	}
	segs = append(segs, "institutions", slug)
	d := "did:web:" + msi + ":" + strings.Join(segs, ":")
	if _, err := did.WebDIDToURL(d); err != nil {
		return "", fmt.Errorf("did:web for %s under %s: %w", slug, baseURL, err)
	}
	return d, nil
}
