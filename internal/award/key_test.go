package award

import (
	"strings"
	"testing"
)

func TestKeyIdentifiesLearnerVersionAndRun(t *testing.T) {
	base := Key("ada@example.edu", 12, 2, 0)
	if got := Key("  ADA@Example.edu ", 12, 2, 0); got != base {
		t.Errorf("the same learner in another case got another key")
	}
	for name, k := range map[string]string{
		"another learner":  Key("bob@example.edu", 12, 2, 0),
		"another offering": Key("ada@example.edu", 13, 2, 0),
		"another version":  Key("ada@example.edu", 12, 3, 0),
		"another run":      Key("ada@example.edu", 12, 2, 5),
	} {
		if k == base {
			t.Errorf("%s: got the same key", name)
		}
	}
	if len(base) != 64 || strings.Contains(base, "ada") {
		t.Errorf("got key %q, want 64 hex digits that do not show the address", base)
	}
	if EmailHash("Ada@example.edu") != EmailHash("ada@example.edu ") || EmailHash("ada@example.edu") == base {
		t.Errorf("EmailHash must normalize and differ from the award key")
	}
}
