package config

import (
	"flag"
	"io"
	"path/filepath"
	"testing"
)

func TestKeyFileSetting(t *testing.T) {
	load := func(args []string, env map[string]string) Config {
		t.Helper()
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c, err := Load(fs, args, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got, want := load([]string{"--data", "/srv/cairn"}, nil).KeyFilePath(), filepath.Join("/srv/cairn", "issuer-keys.secret"); got != want {
		t.Errorf("default: got %q, want %q", got, want)
	}
	if got := load(nil, map[string]string{"CAIRN_KEY_FILE": "/etc/cairn/kek"}).KeyFilePath(); got != "/etc/cairn/kek" {
		t.Errorf("from the environment: got %q, want /etc/cairn/kek", got)
	}
	if got := load([]string{"--key-file", "/run/kek"}, map[string]string{"CAIRN_KEY_FILE": "/etc/cairn/kek"}).KeyFilePath(); got != "/run/kek" {
		t.Errorf("flag over environment: got %q, want /run/kek", got)
	}
}
