package demo

import (
	"sync"
	"time"
)

// Clock is the clock the store reads while Populate fills it. Populate
// stops it at the moment each demo action happens, so the records carry
// times spread over past working days, and leaves it running from
// Options.Now in step with real time, so a server started on the store
// sees time pass. Open the store with sqlstore.Options{Clock: clock.Now}
// and pass the same Clock in Options. It is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	at      time.Time // the reading when stopped, or when it started running
	running bool
	since   time.Time // the real time it started running (with its monotonic reading)
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{at: t} }

// Now returns the clock's reading.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *Clock) now() time.Time {
	if c.running {
		return c.at.Add(time.Since(c.since))
	}
	return c.at
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.running = t, false
}

// Run starts the clock moving in step with real time from its current
// reading.
func (c *Clock) Run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since, c.running = c.now(), time.Now(), true
}
