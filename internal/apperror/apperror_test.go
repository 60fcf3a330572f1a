package apperror

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"plain", errors.New("boom"), Internal},
		{"direct", New(NotFound, "no offering %d", 7), NotFound},
		{"wrapped", fmt.Errorf("load: %w", New(Conflict, "stale")), Conflict},
		{"field", Field("title", "required"), Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.want {
				t.Errorf("CodeOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMessageOfHidesInternalDetails(t *testing.T) {
	if got := MessageOf(errors.New("pq: password authentication failed for secret")); got != "internal error" {
		t.Errorf("MessageOf(internal) = %q, want generic message", got)
	}
	if got := MessageOf(fmt.Errorf("x: %w", Field("title", "is required"))); got != "title: is required" {
		t.Errorf("MessageOf(field) = %q", got)
	}
}
