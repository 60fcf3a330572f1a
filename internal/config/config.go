package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of a cairn server.
type Config struct {
	// Addr is the host:port the server listens on; port 0 picks a free one.
	Addr string
	// BaseURL is the public URL of the server as users and other systems
	// reach it (scheme and host, maybe a path, no trailing slash). Empty
	// means it is derived from the listening address.
	BaseURL string
	// DataDir holds cairn's files: the SQLite database by default.
	DataDir string
	// DSN selects the database: empty means a SQLite file in DataDir, a
	// postgres:// or postgresql:// URL selects PostgreSQL, anything else is
	// a SQLite file path or file: URI. It may hold a password.
	DSN string
	// LogLevel is the least severe level logged.
	LogLevel slog.Level
	// LogFormat is "text" or "json".
	LogFormat string
	// MaxBodyBytes bounds request bodies, except verification uploads.
	MaxBodyBytes int64
	// MaxUploadBytes bounds the body of a verification request: a badge
	// image, a credential or a presentation.
	MaxUploadBytes int64
	// ReadTimeout, ReadHeaderTimeout, WriteTimeout and IdleTimeout are the
	// http.Server timeouts of the same names.
	ReadTimeout       time.Duration
	ReadHeaderTimeout time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownGrace is how long in-flight requests may take to finish once
	// the server is asked to stop.
	ShutdownGrace time.Duration
	// AllowOutbound permits requests to other servers while verifying:
	// did:web documents and status lists. Off, such credentials verify
	// only as far as cairn can tell offline.
	AllowOutbound bool
	// SMTPHost is the mail relay notifications are sent through; empty
	// means they are written to the log instead. SMTPPort is its port
	// (587 by default), SMTPFrom the sender ("Name <address>" or an
	// address), and SMTPUsername and SMTPPassword, when the username is
	// set, authenticate over TLS. The password is a secret.
	SMTPHost     string
	SMTPPort     int64
	SMTPFrom     string
	SMTPUsername string
	SMTPPassword string
	// OIDCIssuer, when set, turns on single sign-on with the OpenID
	// provider at this issuer URL, for the client OIDCClientID with the
	// secret OIDCClientSecret. OIDCRedirectURL is cairn's callback as
	// registered at the provider (default: BaseURL/auth/oidc/callback);
	// OIDCAllowedDomain, if set, admits only verified addresses in that
	// domain; OIDCLabel is the sign-in button's text.
	OIDCIssuer        string
	OIDCClientID      string
	OIDCClientSecret  string
	OIDCRedirectURL   string
	OIDCAllowedDomain string
	OIDCLabel         string
	// KeyFile holds the key-encryption key that seals the institutions'
	// private signing keys in the database: 32 random bytes, created
	// (mode 0600) when absent. Empty means issuer-keys.secret in DataDir.
	// Losing it loses every issuing key; keep it out of database backups.
	KeyFile string
	// File is the configuration file the settings were read from, if any.
	File string
}

// Database drivers that Config.Database returns.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Default returns the built-in configuration.
func Default() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "cairn-data",
		LogLevel:          slog.LevelInfo,
		LogFormat:         "text",
		MaxBodyBytes:      1 << 20,
		MaxUploadBytes:    8 << 20,
		ReadTimeout:       60 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ShutdownGrace:     15 * time.Second,
		AllowOutbound:     true,
		SMTPPort:          587,
	}
}

// Database returns the database driver (SQLite or Postgres) and the data
// source name to open it with.
func (c Config) Database() (driver, dsn string) {
	switch {
	case c.DSN == "":
		return SQLite, filepath.Join(c.DataDir, "cairn.db")
	case isPostgres(c.DSN):
		return Postgres, c.DSN
	}
	return SQLite, strings.TrimPrefix(c.DSN, "sqlite:")
}

// KeyFilePath returns the key-encryption key file: KeyFile, or
// issuer-keys.secret in the data directory.
func (c Config) KeyFilePath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	return filepath.Join(c.DataDir, "issuer-keys.secret")
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Limits on settings, so that a typo cannot make the server accept
// unbounded input or wait for ever.
const (
	minBody    = 1 << 10
	maxBody    = 1 << 30
	maxTimeout = 24 * time.Hour
)

// Validate checks every setting and returns all problems found, each
// naming its setting.
func (c Config) Validate() error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", setting, fmt.Sprintf(format, args...)))
	}
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "%q is not HOST:PORT", c.Addr)
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		bad("addr", "port %q is not a number from 0 to 65535", port)
	} else if strings.ContainsAny(host, " /") {
		bad("addr", "host %q is not a host name or address", host)
	}
	if c.BaseURL != "" {
		if msg := checkBaseURL(c.BaseURL); msg != "" {
			bad("base_url", "%s", msg)
		}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", "is empty")
	}
	if msg := checkDSN(c.DSN); msg != "" {
		bad("dsn", "%s", msg)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log_format", "%q is neither text nor json", c.LogFormat)
	}
	for _, s := range []struct {
		name string
		n    int64
	}{{"max_body", c.MaxBodyBytes}, {"max_upload", c.MaxUploadBytes}} {
		if s.n < minBody || s.n > maxBody {
			bad(s.name, "%d bytes is outside %d bytes to %d bytes", s.n, minBody, maxBody)
		}
	}
	for _, s := range []struct {
		name string
		d    time.Duration
	}{
		{"read_timeout", c.ReadTimeout},
		{"read_header_timeout", c.ReadHeaderTimeout},
		{"write_timeout", c.WriteTimeout},
		{"idle_timeout", c.IdleTimeout},
		{"shutdown_grace", c.ShutdownGrace},
	} {
		if s.d <= 0 || s.d > maxTimeout {
			bad(s.name, "%s is outside (0, %s]", s.d, maxTimeout)
		}
	}
	if c.SMTPHost != "" {
		if strings.ContainsAny(c.SMTPHost, " /\\@:") {
			bad("smtp_host", "%q is not a host name or address", c.SMTPHost)
		}
		if c.SMTPFrom == "" {
			bad("smtp_from", "is empty; mail needs a sender address")
		}
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		bad("smtp_port", "%d is not from 1 to 65535", c.SMTPPort)
	}
	c.validateOIDC(bad)
	return errors.Join(errs...)
}

// OIDCCallbackPath is where the OpenID provider sends the browser back.
const OIDCCallbackPath = "/auth/oidc/callback"

// OIDCRedirect returns cairn's OIDC callback URL: OIDCRedirectURL, or the
// callback path under base (BaseURL, or the listening URL when BaseURL is
// empty).
func (c Config) OIDCRedirect(base string) string {
	if c.OIDCRedirectURL != "" {
		return c.OIDCRedirectURL
	}
	if c.BaseURL != "" {
		base = c.BaseURL
	}
	return strings.TrimRight(base, "/") + OIDCCallbackPath
}

func (c Config) validateOIDC(bad func(setting, format string, args ...any)) {
	if c.OIDCIssuer == "" {
		for _, s := range []struct{ key, v string }{
			{"oidc_client_id", c.OIDCClientID}, {"oidc_client_secret", c.OIDCClientSecret},
			{"oidc_redirect_url", c.OIDCRedirectURL}, {"oidc_allowed_domain", c.OIDCAllowedDomain},
		} {
			if s.v != "" {
				bad(s.key, "is set but oidc_issuer is not; set both to turn on single sign-on")
			}
		}
		return
	}
	if msg := checkBaseURL(c.OIDCIssuer); msg != "" {
		bad("oidc_issuer", "%s", msg)
	}
	if c.OIDCClientID == "" || len(c.OIDCClientID) > 1000 {
		bad("oidc_client_id", "is required with oidc_issuer, at most 1000 bytes")
	}
	if len(c.OIDCClientSecret) > 4096 {
		bad("oidc_client_secret", "is longer than 4096 bytes")
	}
	if c.OIDCRedirectURL != "" {
		if msg := checkBaseURL(c.OIDCRedirectURL); msg != "" {
			bad("oidc_redirect_url", "%s", msg)
		}
	}
	if d := c.OIDCAllowedDomain; len(d) > 253 || strings.ContainsAny(d, "@/: ") {
		bad("oidc_allowed_domain", "%q is not a domain name such as kpu.ca", d)
	}
	if len(c.OIDCLabel) > 100 {
		bad("oidc_label", "is longer than 100 bytes")
	}
}

func checkBaseURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q is not an http or https URL", s)
	case u.Host == "":
		return fmt.Sprintf("%q has no host", s)
	case u.User != nil:
		return "must not carry a user name or password"
	case u.RawQuery != "" || u.Fragment != "":
		return "must not have a query or fragment"
	}
	return ""
}

func checkDSN(dsn string) string {
	switch {
	case dsn == "":
		return ""
	case isPostgres(dsn):
		u, err := url.Parse(dsn)
		if err != nil {
			// The parse error quotes the URL, password included.
			return "is not a valid postgres:// URL"
		}
		if u.Host == "" {
			return "the postgres:// URL has no host"
		}
		return ""
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return fmt.Sprintf("database %q is not supported: give a SQLite file path or a postgres:// URL", scheme)
	}
	return ""
}

// String returns the settings as key=value pairs with secrets redacted.
func (c Config) String() string {
	var b strings.Builder
	for i, s := range settings() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.key)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(s.show(&c)))
	}
	return b.String()
}

// LogValue logs the settings as a group with secrets redacted.
func (c Config) LogValue() slog.Value {
	ss := settings()
	attrs := make([]slog.Attr, 0, len(ss)+1)
	if c.File != "" {
		attrs = append(attrs, slog.String("file", c.File))
	}
	for _, s := range ss {
		attrs = append(attrs, slog.String(s.key, s.show(&c)))
	}
	return slog.GroupValue(attrs...)
}

// redacted replaces the password in a URL, and password-like values in a
// URL query or a key=value DSN, with "xxxxx".
// mask stands for a secret wherever settings are shown.
const mask = "xxxxx"

func redacted(dsn string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return mask
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), mask)
		}
		q := u.Query()
		changed := false
		for k := range q {
			if secretKey(k) {
				q.Set(k, mask)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	fields := strings.Fields(dsn)
	for i, f := range fields {
		if k, _, ok := strings.Cut(f, "="); ok && secretKey(k) {
			fields[i] = k + "=" + mask
		}
	}
	return strings.Join(fields, " ")
}

func secretKey(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "pass") || strings.Contains(k, "secret") || strings.Contains(k, "token")
}
