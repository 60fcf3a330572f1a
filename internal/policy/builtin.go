package policy

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"cairn/internal/apperror"
)

//go:embed profiles/*.yaml
var builtinFS embed.FS

// Builtins returns the names of the profiles shipped with cairn, sorted.
func Builtins() []string {
	entries, err := fs.ReadDir(builtinFS, "profiles")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Builtin loads the shipped profile with the given name (as Builtins lists
// it). Each call returns a fresh copy, free to change with SetOption.
func Builtin(name string) (*Profile, error) {
	if !slices.Contains(Builtins(), name) {
		return nil, apperror.New(apperror.NotFound, "no built-in policy profile %q", name)
	}
	data, err := builtinFS.ReadFile("profiles/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("read built-in profile %s: %w", name, err)
	}
	return Load(data, name+".yaml")
}
