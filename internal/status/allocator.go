package status

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// KeySize is the length in bytes of an allocator key.
const KeySize = 32

// feistelRounds is the number of rounds of the index permutation; four
// already make a strong pseudorandom permutation from a pseudorandom
// function, the rest are margin at no noticeable cost.
const feistelRounds = 8

// ErrListFull is returned by Allocator.Next when every index of the list
// has been handed out.
var ErrListFull = errors.New("status list full: every index has been allocated")

// Allocator hands out each index of a list of a given size exactly once, in
// an order that looks random to anyone without the key: the c-th allocation
// gets index P(c), where P is a keyed permutation of [0, size). Indexes are
// never reused, and neighbouring indexes say nothing about when or in what
// order credentials were issued, as the specification asks.
//
// The whole state is the key and the counter (Counter), so a store keeps the
// two beside the list and rebuilds the Allocator with NewAllocator. An
// Allocator is not safe for concurrent use; a store serializes allocation in
// its transaction.
type Allocator struct {
	block cipher.Block
	size  int
	half  uint // bits in each Feistel half
	next  int
}

// NewKey returns a fresh random allocator key from crypto/rand.
func NewKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new allocator key: %w", err)
	}
	return key, nil
}

// NewAllocator returns an allocator over [0, size) keyed by key (KeySize
// bytes, from NewKey) whose next allocation is the next-th (0 for a new
// list). size is normally the list's Len.
func NewAllocator(key []byte, size, next int) (*Allocator, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("new allocator: key is %d bytes, want %d", len(key), KeySize)
	}
	if size < 1 || size > 1<<40 {
		return nil, fmt.Errorf("new allocator: size %d out of range", size)
	}
	if next < 0 || next > size {
		return nil, fmt.Errorf("new allocator: counter %d outside [0, %d]", next, size)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("new allocator: %w", err)
	}
	// The permutation works on 2*half bits, the smallest even width that
	// covers size, so cycle walking visits fewer than four values on average.
	width := uint(bits.Len(uint(size - 1)))
	half := max((width+1)/2, 1)
	return &Allocator{block: block, size: size, half: half, next: next}, nil
}

// Next returns the next unused index and advances the counter. After size
// calls it returns ErrListFull.
func (a *Allocator) Next() (int, error) {
	if a.next >= a.size {
		return 0, fmt.Errorf("allocate index: %w (%d entries)", ErrListFull, a.size)
	}
	i, err := a.Index(a.next)
	if err != nil {
		return 0, err
	}
	a.next++
	return i, nil
}

// Counter returns the number of indexes handed out so far: the part of the
// state a store persists after each allocation.
func (a *Allocator) Counter() int { return a.next }

// Remaining returns how many indexes are left.
func (a *Allocator) Remaining() int { return a.size - a.next }

// Index returns the index that the counter-th allocation receives, without
// changing the allocator. A counter of size or more is an error wrapping
// ErrListFull, a negative one an error wrapping ErrRange.
func (a *Allocator) Index(counter int) (int, error) {
	if counter < 0 {
		return 0, fmt.Errorf("allocate index: counter %d: %w", counter, ErrRange)
	}
	if counter >= a.size {
		return 0, fmt.Errorf("allocate index: counter %d of %d: %w", counter, a.size, ErrListFull)
	}
	// Cycle walking: apply the permutation of the power-of-two domain until
	// the value falls inside [0, size). Restricted this way it is still a
	// permutation of [0, size).
	x := uint64(counter)
	for {
		x = a.permute(x)
		if x < uint64(a.size) {
			return int(x), nil
		}
	}
}

// permute is a balanced Feistel network on 2*half bits whose round function
// is AES under the allocator key.
func (a *Allocator) permute(x uint64) uint64 {
	mask := uint64(1)<<a.half - 1
	left, right := x>>a.half&mask, x&mask
	var in, out [aes.BlockSize]byte
	for r := range feistelRounds {
		in[0] = byte(r)
		binary.BigEndian.PutUint64(in[8:], right)
		a.block.Encrypt(out[:], in[:])
		left, right = right, left^(binary.BigEndian.Uint64(out[:8])&mask)
	}
	return left<<a.half | right
}
