package config

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// load runs Load with a fresh flag set and the given environment.
func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string { return env[k] })
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cairn.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultIsValid(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	if c != Default() {
		t.Errorf("got %v, want the defaults %v", c, Default())
	}
	if c.Addr != "127.0.0.1:8080" || c.MaxBodyBytes != 1<<20 || c.MaxUploadBytes != 8<<20 || !c.AllowOutbound {
		t.Errorf("defaults changed: %v", c)
	}
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "addr: 127.0.0.1:1001\nlog_level: warn\nmax_body: 2MiB\nread_timeout: 11s\n")
	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		addr      string
		level     slog.Level
		body      int64
		read      time.Duration
		allowOut  bool
		fromFile  string
		wantError bool
	}{
		{name: "defaults alone", addr: "127.0.0.1:8080", level: slog.LevelInfo, body: 1 << 20, read: 60 * time.Second, allowOut: true},
		{name: "file over defaults", args: []string{"--config", file},
			addr: "127.0.0.1:1001", level: slog.LevelWarn, body: 2 << 20, read: 11 * time.Second, allowOut: true, fromFile: file},
		{name: "file named by the environment", env: map[string]string{"CAIRN_CONFIG": file},
			addr: "127.0.0.1:1001", level: slog.LevelWarn, body: 2 << 20, read: 11 * time.Second, allowOut: true, fromFile: file},
		{name: "environment over file", args: []string{"--config", file},
			env:  map[string]string{"CAIRN_ADDR": "127.0.0.1:1002", "CAIRN_LOG_LEVEL": "error", "CAIRN_ALLOW_OUTBOUND": "false"},
			addr: "127.0.0.1:1002", level: slog.LevelError, body: 2 << 20, read: 11 * time.Second, fromFile: file},
		{name: "flag over environment", args: []string{"--config", file, "--addr", "127.0.0.1:1003", "--read-timeout=5s", "--allow-outbound"},
			env:  map[string]string{"CAIRN_ADDR": "127.0.0.1:1002", "CAIRN_READ_TIMEOUT": "7s", "CAIRN_ALLOW_OUTBOUND": "false"},
			addr: "127.0.0.1:1003", level: slog.LevelWarn, body: 2 << 20, read: 5 * time.Second, allowOut: true, fromFile: file},
		{name: "boolean flag set to false", args: []string{"--allow-outbound=false"},
			addr: "127.0.0.1:8080", level: slog.LevelInfo, body: 1 << 20, read: 60 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tt.addr {
				t.Errorf("addr: got %q, want %q", c.Addr, tt.addr)
			}
			if c.LogLevel != tt.level {
				t.Errorf("log_level: got %v, want %v", c.LogLevel, tt.level)
			}
			if c.MaxBodyBytes != tt.body {
				t.Errorf("max_body: got %d, want %d", c.MaxBodyBytes, tt.body)
			}
			if c.ReadTimeout != tt.read {
				t.Errorf("read_timeout: got %v, want %v", c.ReadTimeout, tt.read)
			}
			if c.AllowOutbound != tt.allowOut {
				t.Errorf("allow_outbound: got %v, want %v", c.AllowOutbound, tt.allowOut)
			}
			if c.File != tt.fromFile {
				t.Errorf("file: got %q, want %q", c.File, tt.fromFile)
			}
		})
	}
}

func TestFileSetsEverySetting(t *testing.T) {
	c, err := load(t, nil, "--config", "testdata/cairn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr:              "0.0.0.0:9000",
		BaseURL:           "https://credentials.example.edu",
		DataDir:           "/var/lib/cairn",
		DSN:               "postgres://cairn:file-secret@db.example.edu:5432/cairn?sslmode=require",
		LogLevel:          slog.LevelDebug,
		LogFormat:         "json",
		MaxBodyBytes:      2 << 20,
		MaxUploadBytes:    16 << 20,
		ReadTimeout:       45 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       3 * time.Minute,
		ShutdownGrace:     20 * time.Second,
		AllowOutbound:     false,
		SMTPHost:          "mail.example.edu",
		SMTPPort:          2587,
		SMTPFrom:          "Micro-credentials <credentials@example.edu>",
		SMTPUsername:      "cairn",
		SMTPPassword:      "file-smtp-secret",
		OIDCIssuer:        "https://login.example.edu/realms/staff",
		OIDCClientID:      "cairn",
		OIDCClientSecret:  "file-oidc-secret",
		OIDCRedirectURL:   "https://credentials.example.edu/auth/oidc/callback",
		OIDCAllowedDomain: "example.edu",
		OIDCLabel:         "Sign in with Example",
		File:              "testdata/cairn.yaml",
	}
	if c != want {
		t.Errorf("got  %v\nwant %v", c, want)
	}
}

func TestPositionalArgumentsAreLeft(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := Load(fs, []string{"--addr", "127.0.0.1:0", "extra"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := fs.Args(); len(got) != 1 || got[0] != "extra" {
		t.Errorf("got args %q, want [extra]", got)
	}
}

func TestLoadErrorsNameTheSetting(t *testing.T) {
	tests := []struct {
		name string
		file string // YAML content, when not empty
		env  map[string]string
		args []string
		want []string // substrings of the error
	}{
		{name: "unknown key in file", file: "addr: 127.0.0.1:1\nlisten: 1\n", want: []string{"line 2", `unknown setting "listen"`}},
		{name: "duplicate key in file", file: "addr: 127.0.0.1:1\naddr: 127.0.0.1:2\n", want: []string{"line 2", "addr is set twice"}},
		{name: "list value in file", file: "addr: [a, b]\n", want: []string{"addr", "single value"}},
		{name: "bad size in file", file: "max_body: lots\n", want: []string{"line 1", "max_body", `"lots"`}},
		{name: "not a mapping", file: "- addr\n", want: []string{"mapping"}},
		{name: "malformed yaml", file: "addr: [\n", want: []string{"config file"}},
		{name: "bad duration in environment", env: map[string]string{"CAIRN_IDLE_TIMEOUT": "soon"}, want: []string{"CAIRN_IDLE_TIMEOUT", "duration"}},
		{name: "bad boolean in environment", env: map[string]string{"CAIRN_ALLOW_OUTBOUND": "maybe"}, want: []string{"CAIRN_ALLOW_OUTBOUND"}},
		{name: "bad level in flag", args: []string{"--log-level", "loud"}, want: []string{"log-level", `"loud"`}},
		{name: "bad size in flag", args: []string{"--max-upload=9XB"}, want: []string{"max-upload"}},
		{name: "missing file", args: []string{"--config", "testdata/absent.yaml"}, want: []string{"config file", "absent.yaml"}},
		{name: "invalid after merging", env: map[string]string{"CAIRN_LOG_FORMAT": "xml"}, want: []string{"log_format", `"xml"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.file != "" {
				args = append([]string{"--config", writeFile(t, tt.file)}, args...)
			}
			_, err := load(t, tt.env, args...)
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestFileTooLarge(t *testing.T) {
	big := "# " + strings.Repeat("x", MaxFileBytes) + "\n"
	_, err := load(t, nil, "--config", writeFile(t, big))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("got %v, want a size error", err)
	}
}

func TestEmptyFileKeepsDefaults(t *testing.T) {
	c, err := load(t, nil, "--config", writeFile(t, "# nothing yet\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != Default().Addr {
		t.Errorf("addr: got %q, want the default", c.Addr)
	}
}

func TestHelpIsPassedThrough(t *testing.T) {
	_, err := load(t, nil, "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("got %v, want flag.ErrHelp", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Config)
		setting string // named in the error; "" means valid
	}{
		{"default", func(*Config) {}, ""},
		{"port zero", func(c *Config) { c.Addr = "127.0.0.1:0" }, ""},
		{"any interface", func(c *Config) { c.Addr = ":8443" }, ""},
		{"addr without port", func(c *Config) { c.Addr = "localhost" }, "addr"},
		{"addr with port out of range", func(c *Config) { c.Addr = "127.0.0.1:70000" }, "addr"},
		{"https base url", func(c *Config) { c.BaseURL = "https://cairn.example.edu/badges" }, ""},
		{"base url without scheme", func(c *Config) { c.BaseURL = "cairn.example.edu" }, "base_url"},
		{"base url with query", func(c *Config) { c.BaseURL = "https://cairn.example.edu/?a=b" }, "base_url"},
		{"base url with password", func(c *Config) { c.BaseURL = "https://u:p@cairn.example.edu" }, "base_url"},
		{"empty data dir", func(c *Config) { c.DataDir = " " }, "data_dir"},
		{"postgres dsn", func(c *Config) { c.DSN = "postgres://u:p@db/cairn" }, ""},
		{"postgres dsn without host", func(c *Config) { c.DSN = "postgres:///cairn" }, "dsn"},
		{"mysql dsn", func(c *Config) { c.DSN = "mysql://db/cairn" }, "dsn"},
		{"sqlite path dsn", func(c *Config) { c.DSN = "/srv/cairn.db" }, ""},
		{"log format", func(c *Config) { c.LogFormat = "xml" }, "log_format"},
		{"body too small", func(c *Config) { c.MaxBodyBytes = 10 }, "max_body"},
		{"upload too large", func(c *Config) { c.MaxUploadBytes = 2 << 30 }, "max_upload"},
		{"zero read timeout", func(c *Config) { c.ReadTimeout = 0 }, "read_timeout"},
		{"negative write timeout", func(c *Config) { c.WriteTimeout = -time.Second }, "write_timeout"},
		{"zero idle timeout", func(c *Config) { c.IdleTimeout = 0 }, "idle_timeout"},
		{"zero shutdown grace", func(c *Config) { c.ShutdownGrace = 0 }, "shutdown_grace"},
		{"zero header timeout", func(c *Config) { c.ReadHeaderTimeout = 0 }, "read_header_timeout"},
		{"day-long timeout", func(c *Config) { c.WriteTimeout = 25 * time.Hour }, "write_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.setting == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.setting != "" && err == nil:
				t.Errorf("got valid, want an error naming %s", tt.setting)
			case tt.setting != "" && !strings.HasPrefix(err.Error(), tt.setting+": "):
				t.Errorf("error %q does not start with the setting %s", err, tt.setting)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Addr, c.LogFormat, c.IdleTimeout = "nowhere", "xml", 0
	err := c.Validate()
	for _, setting := range []string{"addr", "log_format", "idle_timeout"} {
		if err == nil || !strings.Contains(err.Error(), setting+": ") {
			t.Errorf("error %v does not name %s", err, setting)
		}
	}
}

func TestDatabase(t *testing.T) {
	tests := []struct {
		dsn, driver, source string
	}{
		{"", SQLite, filepath.Join("cairn-data", "cairn.db")},
		{"postgres://u:p@db/cairn", Postgres, "postgres://u:p@db/cairn"},
		{"postgresql://db/cairn", Postgres, "postgresql://db/cairn"},
		{"/srv/cairn.db", SQLite, "/srv/cairn.db"},
		{"sqlite:/srv/cairn.db", SQLite, "/srv/cairn.db"},
		{"file:cairn.db?mode=memory", SQLite, "file:cairn.db?mode=memory"},
	}
	for _, tt := range tests {
		t.Run(tt.driver+" from "+tt.dsn, func(t *testing.T) {
			c := Default()
			c.DSN = tt.dsn
			driver, source := c.Database()
			if driver != tt.driver || source != tt.source {
				t.Errorf("got %s %q, want %s %q", driver, source, tt.driver, tt.source)
			}
		})
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	tests := []struct {
		name, dsn, secret string
	}{
		{"url password", "postgres://cairn:hunter2-url@db.example.edu/cairn", "hunter2-url"},
		{"query password", "postgres://db.example.edu/cairn?user=cairn&password=hunter2-query", "hunter2-query"},
		{"key value password", "host=db user=cairn password=hunter2-kv dbname=cairn", "hunter2-kv"},
		{"unparseable url", "postgres://cairn:hunter2-bad@db:port/x", "hunter2-bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.DSN = tt.dsn
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("starting", "config", c)
			slog.New(slog.NewTextHandler(&logged, nil)).Info("starting", "config", c)
			for name, out := range map[string]string{"String": c.String(), "log": logged.String()} {
				if strings.Contains(out, tt.secret) {
					t.Errorf("%s shows the secret: %s", name, out)
				}
				if !strings.Contains(out, "xxxxx") {
					t.Errorf("%s does not show the redaction mark: %s", name, out)
				}
				if !strings.Contains(out, "max_upload") {
					t.Errorf("%s leaves out the other settings: %s", name, out)
				}
			}
			if err := c.Validate(); err != nil && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("validation error shows the secret: %v", err)
			}
		})
	}
}

func TestSMTPPasswordIsRedacted(t *testing.T) {
	const secret = "relay-pass-9d41"
	c, err := load(t, map[string]string{"CAIRN_SMTP_HOST": "mail.example.edu", "CAIRN_SMTP_FROM": "cairn@example.edu", "CAIRN_SMTP_PASSWORD": secret})
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPPassword != secret {
		t.Fatalf("smtp_password from the environment: got %q", c.SMTPPassword)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("starting", "config", c)
	for name, out := range map[string]string{"String": c.String(), "log": logged.String()} {
		if strings.Contains(out, secret) || !strings.Contains(out, `smtp_password="xxxxx"`) && !strings.Contains(out, `"smtp_password":"xxxxx"`) {
			t.Errorf("%s does not mask the SMTP password: %s", name, out)
		}
	}
}

func TestSMTPSettingsAreChecked(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"CAIRN_SMTP_HOST": "mail.example.edu"}, "smtp_from"},
		{map[string]string{"CAIRN_SMTP_HOST": "mail example", "CAIRN_SMTP_FROM": "a@b.c"}, "smtp_host"},
		{map[string]string{"CAIRN_SMTP_PORT": "70000"}, "smtp_port"},
		{map[string]string{"CAIRN_SMTP_PORT": "many"}, "CAIRN_SMTP_PORT"},
	}
	for _, tt := range tests {
		_, err := load(t, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error naming %s", tt.env, err, tt.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1048576", 1 << 20, true},
		{"512KiB", 512 << 10, true},
		{"8 MiB", 8 << 20, true},
		{"1GiB", 1 << 30, true},
		{"2MB", 2_000_000, true},
		{"10B", 10, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1.5MiB", 0, false},
		{"99999999999GiB", 0, false},
		{"8XB", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, n := range []int64{1 << 20, 8 << 20, 1500, 1 << 30} {
		back, err := parseSize(formatSize(n))
		if err != nil || back != n {
			t.Errorf("parseSize(formatSize(%d)) = %d, %v", n, back, err)
		}
	}
}
