package did

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Defaults for HTTPFetcher.
const (
	DefaultFetchTimeout = 10 * time.Second
	maxRedirects        = 3
)

// errPrivateAddress is returned when the default client is asked to dial
// an address that is not a public unicast address.
var errPrivateAddress = errors.New("refusing to connect to a non-public address")

// HTTPFetcher fetches did:web documents over HTTPS.
//
// With a nil Client it uses its own client with a DefaultFetchTimeout
// timeout, at most three redirects, HTTPS only, and no connections to
// loopback, private, link-local or otherwise non-public addresses, because
// the host comes from a credential that anyone can write. MaxBytes bounds
// the body; 0 means MaxDocumentBytes.
type HTTPFetcher struct {
	Client   *http.Client
	MaxBytes int64
}

// Fetch GETs url, which must be https, and returns the body of a 200
// response.
func (f HTTPFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	if !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("fetch %.200s: not an https URL", url)
	}
	limit := f.MaxBytes
	if limit <= 0 {
		limit = MaxDocumentBytes
	}
	client := f.Client
	if client == nil {
		client = publicClient()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %.200s: %w", url, err)
	}
	req.Header.Set("Accept", "application/did+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %.200s: status %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %.200s: %w", url, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("fetch %.200s: body over %d bytes", url, limit)
	}
	return body, nil
}

// publicClient is the default client. Keep-alives are off because the
// client is not reused between fetches.
func publicClient() *http.Client {
	dialer := &net.Dialer{
		Timeout: DefaultFetchTimeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, err)
			}
			if !isPublic(ap.Addr()) {
				return fmt.Errorf("dial %s: %w", address, errPrivateAddress)
			}
			return nil
		},
	}
	return &http.Client{
		Timeout: DefaultFetchTimeout,
		Transport: &http.Transport{
			DialContext:            dialer.DialContext,
			TLSHandshakeTimeout:    DefaultFetchTimeout,
			ResponseHeaderTimeout:  DefaultFetchTimeout,
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s is not https", req.URL.Scheme)
			}
			return nil
		},
	}
}

func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(a) // carrier-grade NAT
}
