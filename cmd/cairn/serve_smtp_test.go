package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/sqlstore"
)

// smtpStandIn is a mail relay on loopback that accepts every message and
// hands each one's DATA to got.
func smtpStandIn(t *testing.T) (port int, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	msgs := make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSMTP(c, msgs)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, msgs
}

func serveSMTP(c net.Conn, msgs chan<- string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 stand-in ready\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
		case "EHLO", "HELO":
			fmt.Fprint(c, "250-stand-in\r\n250 8BITMIME\r\n")
		case "DATA":
			fmt.Fprint(c, "354 go on\r\n")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			msgs <- b.String()
			fmt.Fprint(c, "250 queued\r\n")
		case "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "250 ok\r\n")
		}
	}
}

// TestServeSendsNotificationsThroughTheConfiguredRelay queues a
// notification, starts cairn serve with an SMTP relay configured, and
// expects the message at the relay: the scheduler runs beside the server
// and the outbox sends through SMTP, not the log.
func TestServeSendsNotificationsThroughTheConfiguredRelay(t *testing.T) {
	port, got := smtpStandIn(t)
	data := t.TempDir()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, filepath.Join(data, "cairn.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := sqlstore.Notification{Kind: "review_due", Recipient: "reviewer@example.edu", Subject: "A review is due", Body: "Please review the proposal."}
	if err := store.EnqueueNotification(ctx, &n); err != nil {
		t.Fatal(err)
	}
	store.Close()

	env := map[string]string{
		"CAIRN_SMTP_HOST": "127.0.0.1", "CAIRN_SMTP_PORT": fmt.Sprint(port),
		"CAIRN_SMTP_FROM": "Micro-credentials <credentials@example.edu>",
	}
	_, stop, stderr := startServe(t, env, "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false")
	select {
	case msg := <-got:
		for _, want := range []string{"To: <reviewer@example.edu>", "Subject: A review is due", "Please review the proposal."} {
			if !strings.Contains(msg, want) {
				t.Errorf("the message lacks %q:\n%s", want, msg)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no message reached the relay within 20s; log:\n%s", stderr)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestServeRefusesAnIncompleteRelay(t *testing.T) {
	env := map[string]string{"CAIRN_SMTP_HOST": "mail.example.edu"}
	_, err := runServeOnce(t, env)
	if err == nil || !strings.Contains(err.Error(), "smtp_from") {
		t.Fatalf("got %v, want an error naming smtp_from", err)
	}
}

func runServeOnce(t *testing.T, env map[string]string) (string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--allow-outbound=false"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}
