package status

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustAllocator(t testing.TB, key []byte, size, next int) *Allocator {
	t.Helper()
	a, err := NewAllocator(key, size, next)
	if err != nil {
		t.Fatalf("NewAllocator: %v", err)
	}
	return a
}

// drain allocates until the list is full and returns the indexes in order.
func drain(t testing.TB, a *Allocator) []int {
	t.Helper()
	var got []int
	for a.Remaining() > 0 {
		i, err := a.Next()
		if err != nil {
			t.Fatalf("Next after %d: %v", len(got), err)
		}
		got = append(got, i)
	}
	return got
}

func TestAllocatorHandsOutEachIndexOnce(t *testing.T) {
	for _, size := range []int{1, 2, 3, 5, 64, 1000, 1025} {
		t.Run("size "+strconv.Itoa(size), func(t *testing.T) {
			a := mustAllocator(t, testKey(7), size, 0)
			got := drain(t, a)
			if len(got) != size {
				t.Fatalf("got %d indexes, want %d", len(got), size)
			}
			seen := make([]bool, size)
			for _, i := range got {
				if i < 0 || i >= size {
					t.Fatalf("index %d outside [0, %d)", i, size)
				}
				if seen[i] {
					t.Fatalf("index %d handed out twice", i)
				}
				seen[i] = true
			}
			if _, err := a.Next(); !errors.Is(err, ErrListFull) {
				t.Errorf("Next on a full list: got %v, want ErrListFull", err)
			}
			if a.Counter() != size {
				t.Errorf("Counter: got %d, want %d", a.Counter(), size)
			}
		})
	}
}

func TestAllocatorFullDefaultList(t *testing.T) {
	a := mustAllocator(t, testKey(1), DefaultLength, 0)
	seen := make([]bool, DefaultLength)
	for range DefaultLength {
		i, err := a.Next()
		if err != nil {
			t.Fatal(err)
		}
		if seen[i] {
			t.Fatalf("index %d handed out twice", i)
		}
		seen[i] = true
	}
	if _, err := a.Next(); !errors.Is(err, ErrListFull) {
		t.Errorf("got %v, want ErrListFull", err)
	}
}

func TestAllocatorOrderHidesIssuance(t *testing.T) {
	const size = 1000
	got := drain(t, mustAllocator(t, testKey(7), size, 0))
	ascending := make([]int, size)
	for i := range ascending {
		ascending[i] = i
	}
	if slices.Equal(got, ascending) {
		t.Fatal("indexes come out in issuance order")
	}
	// Neighbouring allocations should not land next to each other.
	adjacent := 0
	for k := 1; k < size; k++ {
		if d := got[k] - got[k-1]; d == 1 || d == -1 {
			adjacent++
		}
	}
	if adjacent > size/50 {
		t.Errorf("got %d consecutive allocations at adjacent indexes, want few", adjacent)
	}
	other := drain(t, mustAllocator(t, testKey(8), size, 0))
	if slices.Equal(got, other) {
		t.Error("two keys gave the same order")
	}
}

func TestAllocatorResumesFromState(t *testing.T) {
	const size = 500
	all := drain(t, mustAllocator(t, testKey(3), size, 0))
	resumed := mustAllocator(t, testKey(3), size, 200)
	rest := drain(t, resumed)
	if !slices.Equal(rest, all[200:]) {
		t.Error("an allocator rebuilt from (key, counter) continues differently")
	}
	for c := range size {
		i, err := resumed.Index(c)
		if err != nil || i != all[c] {
			t.Fatalf("Index(%d): got %d, %v, want %d", c, i, err, all[c])
		}
	}
}

func TestNewAllocatorRefuses(t *testing.T) {
	tests := []struct {
		name       string
		key        []byte
		size, next int
	}{
		{"short key", make([]byte, 16), 10, 0},
		{"no key", nil, 10, 0},
		{"zero size", testKey(1), 0, 0},
		{"negative counter", testKey(1), 10, -1},
		{"counter past size", testKey(1), 10, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, err := NewAllocator(tt.key, tt.size, tt.next); err == nil {
				t.Errorf("got %+v, want an error", a)
			}
		})
	}
}

func TestIndexOutsideCounterRange(t *testing.T) {
	a := mustAllocator(t, testKey(1), 10, 0)
	if _, err := a.Index(10); !errors.Is(err, ErrListFull) {
		t.Errorf("Index(10): got %v, want ErrListFull", err)
	}
	if _, err := a.Index(-1); !errors.Is(err, ErrRange) {
		t.Errorf("Index(-1): got %v, want ErrRange", err)
	}
}

func TestNewKey(t *testing.T) {
	a, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != KeySize || bytes.Equal(a, b) {
		t.Errorf("got keys %x and %x, want two distinct %d-byte keys", a, b, KeySize)
	}
}
