// Command cairn runs a university's micro-credential life cycle: proposal,
// review and approval under the institution's policy, and issuing and
// verifying Open Badges 3.0 credentials.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		code := 1
		if e, ok := err.(exitError); ok {
			code = e.code
			err = e.err
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "cairn:", err)
		}
		os.Exit(code)
	}
}
