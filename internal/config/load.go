package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// MaxFileBytes bounds the configuration file.
const MaxFileBytes = 1 << 20

// EnvFile is the environment variable naming the configuration file when
// no --config flag is given.
const EnvFile = "CAIRN_CONFIG"

// setting is one configuration setting and how each source names it.
type setting struct {
	key    string // in the file, and in errors
	env    string
	flag   string
	usage  string
	isBool bool
	// secret settings are shown as a mask, or through redact when the
	// value is only partly secret (a DSN's password).
	secret bool
	redact func(string) string
	set    func(c *Config, v string) error
	get    func(c *Config) string
}

// show returns the setting's value as text, redacted when secret.
func (s setting) show(c *Config) string {
	v := s.get(c)
	if s.secret && v != "" {
		if s.redact != nil {
			return s.redact(v)
		}
		return mask
	}
	return v
}

// settings is the one table of settings, in the order they are printed.
func settings() []setting {
	str := func(key, flagName, usage string, field func(*Config) *string) setting {
		return setting{
			key: key, env: envName(key), flag: flagName, usage: usage,
			set: func(c *Config, v string) error { *field(c) = strings.TrimSpace(v); return nil },
			get: func(c *Config) string { return *field(c) },
		}
	}
	size := func(key, flagName, usage string, field func(*Config) *int64) setting {
		return setting{
			key: key, env: envName(key), flag: flagName, usage: usage,
			set: func(c *Config, v string) error {
				n, err := parseSize(v)
				if err != nil {
					return err
				}
				*field(c) = n
				return nil
			},
			get: func(c *Config) string { return formatSize(*field(c)) },
		}
	}
	duration := func(key, flagName, usage string, field func(*Config) *time.Duration) setting {
		return setting{
			key: key, env: envName(key), flag: flagName, usage: usage,
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("%q is not a duration such as 30s or 2m", v)
				}
				*field(c) = d
				return nil
			},
			get: func(c *Config) string { return field(c).String() },
		}
	}

	baseURL := str("base_url", "base-url", "public `URL` of the server (default: from the listening address)", func(c *Config) *string { return &c.BaseURL })
	plainSet := baseURL.set
	baseURL.set = func(c *Config, v string) error {
		return plainSet(c, strings.TrimRight(strings.TrimSpace(v), "/"))
	}
	dsn := str("dsn", "dsn", "database: a SQLite file `path` or a postgres:// URL (default: cairn.db in the data directory)", func(c *Config) *string { return &c.DSN })
	dsn.secret, dsn.redact = true, redacted
	logFormat := str("log_format", "log-format", "log `format`: text or json", func(c *Config) *string { return &c.LogFormat })
	plainFormat := logFormat.set
	logFormat.set = func(c *Config, v string) error { return plainFormat(c, strings.ToLower(v)) }

	smtpPassword := str("smtp_password", "smtp-password", "mail relay `password` (a secret)", func(c *Config) *string { return &c.SMTPPassword })
	smtpPassword.secret = true
	oidcSecret := str("oidc_client_secret", "oidc-client-secret", "cairn's client `secret` at the OpenID provider (a secret)", func(c *Config) *string { return &c.OIDCClientSecret })
	oidcSecret.secret = true
	smtpPort := setting{
		key: "smtp_port", env: envName("smtp_port"), flag: "smtp-port", usage: "mail relay `port`",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a port number", v)
			}
			c.SMTPPort = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(c.SMTPPort, 10) },
	}

	return []setting{
		str("addr", "addr", "listen on `HOST:PORT` (port 0 picks a free port)", func(c *Config) *string { return &c.Addr }),
		baseURL,
		str("data_dir", "data", "data `directory`", func(c *Config) *string { return &c.DataDir }),
		str("key_file", "key-file", "`file` holding the key that encrypts issuing keys at rest, created when absent (default: issuer-keys.secret in the data directory)", func(c *Config) *string { return &c.KeyFile }),
		dsn,
		{
			key: "log_level", env: envName("log_level"), flag: "log-level", usage: "least severe `level` logged: debug, info, warn or error",
			set: func(c *Config, v string) error {
				var l slog.Level
				if err := l.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
					return fmt.Errorf("%q is not debug, info, warn or error", v)
				}
				c.LogLevel = l
				return nil
			},
			get: func(c *Config) string { return strings.ToLower(c.LogLevel.String()) },
		},
		logFormat,
		size("max_body", "max-body", "largest request body except verification uploads, a `size` in bytes or with a unit (512KiB, 1MiB)", func(c *Config) *int64 { return &c.MaxBodyBytes }),
		size("max_upload", "max-upload", "largest verification upload, a `size`", func(c *Config) *int64 { return &c.MaxUploadBytes }),
		duration("read_timeout", "read-timeout", "longest `duration` to read a whole request", func(c *Config) *time.Duration { return &c.ReadTimeout }),
		duration("read_header_timeout", "read-header-timeout", "longest `duration` to read request headers", func(c *Config) *time.Duration { return &c.ReadHeaderTimeout }),
		duration("write_timeout", "write-timeout", "longest `duration` to write a response", func(c *Config) *time.Duration { return &c.WriteTimeout }),
		duration("idle_timeout", "idle-timeout", "`duration` an idle keep-alive connection is kept open", func(c *Config) *time.Duration { return &c.IdleTimeout }),
		duration("shutdown_grace", "shutdown-grace", "`duration` in-flight requests get to finish on shutdown", func(c *Config) *time.Duration { return &c.ShutdownGrace }),
		{
			key: "allow_outbound", env: envName("allow_outbound"), flag: "allow-outbound", isBool: true,
			usage: "fetch did:web documents and status lists from other servers while verifying",
			set: func(c *Config, v string) error {
				b, err := strconv.ParseBool(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("%q is neither true nor false", v)
				}
				c.AllowOutbound = b
				return nil
			},
			get: func(c *Config) string { return strconv.FormatBool(c.AllowOutbound) },
		},
		str("smtp_host", "smtp-host", "mail relay `host` for notifications (default: notifications go to the log)", func(c *Config) *string { return &c.SMTPHost }),
		smtpPort,
		str("smtp_from", "smtp-from", "notification sender, an `address` or \"Name <address>\"", func(c *Config) *string { return &c.SMTPFrom }),
		str("smtp_username", "smtp-username", "mail relay `user name`", func(c *Config) *string { return &c.SMTPUsername }),
		smtpPassword,
		str("oidc_issuer", "oidc-issuer", "OpenID provider's issuer `URL`; turns on single sign-on", func(c *Config) *string { return &c.OIDCIssuer }),
		str("oidc_client_id", "oidc-client-id", "cairn's client `ID` at the OpenID provider", func(c *Config) *string { return &c.OIDCClientID }),
		oidcSecret,
		str("oidc_redirect_url", "oidc-redirect-url", "callback `URL` registered at the OpenID provider (default: BASE_URL"+OIDCCallbackPath+")", func(c *Config) *string { return &c.OIDCRedirectURL }),
		str("oidc_allowed_domain", "oidc-allowed-domain", "admit by single sign-on only verified email addresses in this `domain`", func(c *Config) *string { return &c.OIDCAllowedDomain }),
		str("oidc_label", "oidc-label", "`text` of the single sign-on button, e.g. \"Sign in with KPU\"", func(c *Config) *string { return &c.OIDCLabel }),
	}
}

func envName(key string) string { return "CAIRN_" + strings.ToUpper(key) }

// Load builds a Config from, in increasing precedence: Default, the YAML
// file named by the --config flag (or by CAIRN_CONFIG), the CAIRN_*
// environment variables read through getenv, and the flags in args; then
// it validates the result.
//
// Load defines its flags on fs, to which the caller may have added its own,
// and parses args; positional arguments are left in fs.Args(). A
// flag.ErrHelp from parsing is returned as is.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	type flagValue struct {
		s setting
		v string
	}
	var file string
	var given []flagValue
	def := Default()
	fs.StringVar(&file, "config", "", "read settings from the YAML `file` (env "+EnvFile+")")
	for _, s := range settings() {
		usage := s.usage
		if d := s.show(&def); d != "" {
			usage += " (default " + d + ")"
		}
		usage += " (env " + s.env + ")"
		record := func(v string) error {
			var scratch Config
			if err := s.set(&scratch, v); err != nil {
				return err
			}
			given = append(given, flagValue{s, v})
			return nil
		}
		if s.isBool {
			fs.BoolFunc(s.flag, usage, record)
		} else {
			fs.Func(s.flag, usage, record)
		}
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}

	c := def
	if file == "" {
		file = getenv(EnvFile)
	}
	if file != "" {
		data, err := readFile(file)
		if err != nil {
			return Config{}, err
		}
		if err := c.applyFile(file, data); err != nil {
			return Config{}, err
		}
		c.File = file
	}
	if err := c.applyEnv(getenv); err != nil {
		return Config{}, err
	}
	for _, g := range given {
		if err := g.s.set(&c, g.v); err != nil {
			return Config{}, fmt.Errorf("flag --%s: %w", g.s.flag, err)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("invalid configuration: %w", err)
	}
	return c, nil
}

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("config file %s: larger than %d bytes", name, MaxFileBytes)
	}
	return data, nil
}

// applyFile overlays the settings in a YAML document: a mapping from
// setting keys to single values. Unknown keys are errors, so a misspelt
// setting does not silently keep its default.
func (c *Config) applyFile(name string, data []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("config file %s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return nil // an empty file
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return fmt.Errorf("config file %s: line %d: want a mapping of settings", name, doc.Line)
	}
	byKey := map[string]setting{}
	for _, s := range settings() {
		byKey[s.key] = s
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		s, ok := byKey[k.Value]
		if !ok {
			return fmt.Errorf("config file %s: line %d: unknown setting %q", name, k.Line, k.Value)
		}
		if seen[s.key] {
			return fmt.Errorf("config file %s: line %d: %s is set twice", name, k.Line, s.key)
		}
		seen[s.key] = true
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("config file %s: line %d: %s: want a single value", name, v.Line, s.key)
		}
		if v.Tag == "!!null" {
			continue
		}
		if err := s.set(c, v.Value); err != nil {
			return fmt.Errorf("config file %s: line %d: %s: %w", name, v.Line, s.key, err)
		}
	}
	return nil
}

// applyEnv overlays the CAIRN_* variables that are set and not empty.
func (c *Config) applyEnv(getenv func(string) string) error {
	var errs []error
	for _, s := range settings() {
		v := getenv(s.env)
		if v == "" {
			continue
		}
		if err := s.set(c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.env, err))
		}
	}
	return errors.Join(errs...)
}

var sizeUnits = []struct {
	suffix string
	n      int64
}{
	// Longest suffixes first, so "KiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"B", 1},
}

// parseSize reads a byte count: a whole number, optionally followed by B,
// KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	unit := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, unit = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/unit {
		return 0, fmt.Errorf("%q is not a size such as 1048576, 512KiB or 8MiB", s)
	}
	return n * unit, nil
}

func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
