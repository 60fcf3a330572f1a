// Package vendordata finds the published test suites and vectors kept in
// ../shared/vendor-data beside the repository, for tests only.
package vendordata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of sub inside ../shared/vendor-data, found
// by walking up from the working directory to the module root. When the
// folder is absent the test is skipped with a message, unless CI is set, in
// which case it fails: CI always has the suites.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("find module root: %v", err)
	}
	dir := filepath.Join(root, "..", "shared", "vendor-data", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("vendor data %s is missing in CI: %v", dir, err)
		}
		t.Skipf("vendor data %s is absent; skipping (it lives beside the repository in ../shared)", dir)
	}
	return dir
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
