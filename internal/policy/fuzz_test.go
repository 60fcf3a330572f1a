package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any input either loads or fails with a *LoadError, quickly and
// without panicking.
func FuzzLoad(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("profiles", "*.yaml"))
	paths = append(paths, filepath.Join("testdata", "minimal.yaml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("format: cairn.policy/v1\ntracks: [{steps: [{kind: vote, rule: {type: all_of}}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(data, "fuzz.yaml")
		var le *LoadError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("Load error %T %v, want *LoadError", err, err)
		}
		if err == nil && p == nil {
			t.Fatal("no profile and no error")
		}
	})
}
