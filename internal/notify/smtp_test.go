package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// plainConfig is a sender configuration for a test server without TLS.
func plainConfig(port int) SMTPConfig {
	return SMTPConfig{Host: "127.0.0.1", Port: port, From: "Micro-credentials <cairn@example.edu>", AllowPlainOnLoopback: true, Timeout: 5 * time.Second}
}

func newSender(t *testing.T, c SMTPConfig) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(c)
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	return s
}

// parse reads a received message's headers and decoded body.
func parse(t *testing.T, r received) (*mail.Message, string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(r.Data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, r.Data)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatalf("body is not quoted-printable: %v", err)
	}
	return m, strings.ReplaceAll(string(body), "\r\n", "\n")
}

func TestSMTPSenderDelivers(t *testing.T) {
	srv := newSMTPServer(t, nil)
	s := newSender(t, plainConfig(srv.port()))
	body := "Dear Ada,\n\nthe review of « Welding 101 » is due on 12 March.\n.\n.hidden line\n" + strings.Repeat("long line ", 120) + "\nThanks"
	subject := "Review due: « Welding 101 » " + strings.Repeat("and more words ", 10)
	m := Message{ID: 42, Kind: "review_due", To: "Ada Lovelace <ada@example.edu>", Subject: subject, Body: body}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	r := msgs[0]
	if r.From != "cairn@example.edu" || r.To != "ada@example.edu" {
		t.Errorf("got envelope %s → %s, want cairn@example.edu → ada@example.edu", r.From, r.To)
	}
	for i, line := range strings.Split(r.Data, "\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes, longer than SMTP allows", i, len(line))
		}
	}
	got, gotBody := parse(t, r)
	var dec mime.WordDecoder
	gotSubject, err := dec.DecodeHeader(got.Header.Get("Subject"))
	if err != nil || gotSubject != subject {
		t.Errorf("got subject %q (%v), want %q", gotSubject, err, subject)
	}
	if to, err := got.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "ada@example.edu" || to[0].Name != "Ada Lovelace" {
		t.Errorf("got To %v (%v), want Ada Lovelace <ada@example.edu>", to, err)
	}
	if from := got.Header.Get("From"); from != `"Micro-credentials" <cairn@example.edu>` {
		t.Errorf("got From %q", from)
	}
	if id := got.Header.Get("Message-ID"); id != "<cairn.notification.42@example.edu>" {
		t.Errorf("got Message-ID %q, want <cairn.notification.42@example.edu>", id)
	}
	if _, err := got.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if ct := got.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("got Content-Type %q", ct)
	}
	// The message ends with a line break, which mail adds if the text has none.
	if gotBody = strings.TrimSuffix(gotBody, "\n"); gotBody != body {
		t.Errorf("got body\n%q\nwant\n%q", gotBody, body)
	}
}

func TestSMTPSenderResendKeepsMessageID(t *testing.T) {
	srv := newSMTPServer(t, nil)
	s := newSender(t, plainConfig(srv.port()))
	m := Message{ID: 7, To: "bob@example.edu", Subject: "Vote", Body: "Please vote."}
	for range 2 {
		if err := s.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Send(t.Context(), Message{ID: 8, To: "bob@example.edu", Subject: "Vote", Body: "Please vote."}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range srv.messages() {
		h, _ := parse(t, r)
		ids = append(ids, h.Header.Get("Message-ID"))
	}
	if len(ids) != 3 || ids[0] != ids[1] || ids[1] == ids[2] {
		t.Errorf("got Message-IDs %q, want the first two equal and the third different", ids)
	}
}

func TestSMTPSenderSTARTTLSAndAuth(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	srv := newSMTPServer(t, func(s *smtpServer) {
		s.tls = serverTLS
		s.auth = map[string]string{"cairn": "s3cret"}
	})
	c := SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "cairn@example.edu", Username: "cairn", Password: "s3cret", TLSConfig: clientTLS, Timeout: 5 * time.Second}
	if err := newSender(t, c).Send(t.Context(), Message{ID: 1, To: "ada@example.edu", Subject: "Hi", Body: "Hello"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "cairn" {
		t.Fatalf("got %+v, want one message sent over TLS as cairn", msgs)
	}

	t.Run("wrong password is refused", func(t *testing.T) {
		c := c
		c.Password = "wrong"
		err := newSender(t, c).Send(t.Context(), Message{ID: 2, To: "ada@example.edu", Subject: "Hi", Body: "Hello"})
		var te *textproto.Error
		if !errors.As(err, &te) || te.Code != 535 {
			t.Errorf("got %v, want a 535 reply", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error %q shows the password", err)
		}
	})
	t.Run("untrusted certificate is refused", func(t *testing.T) {
		c := c
		c.TLSConfig = nil
		if err := newSender(t, c).Send(t.Context(), Message{ID: 3, To: "ada@example.edu", Subject: "Hi", Body: "Hello"}); err == nil {
			t.Error("got nil, want a certificate error")
		}
	})
	if got := len(srv.messages()); got != 1 {
		t.Errorf("got %d messages after the refused attempts, want 1", got)
	}
}

func TestSMTPSenderRequiresTLS(t *testing.T) {
	srv := newSMTPServer(t, func(s *smtpServer) { s.auth = map[string]string{"cairn": "s3cret"} })
	tests := []struct {
		name string
		cfg  func(SMTPConfig) SMTPConfig
		want string
	}{
		{"plain refused without the loopback option", func(c SMTPConfig) SMTPConfig { c.AllowPlainOnLoopback = false; return c }, "STARTTLS"},
		{"password withheld without the loopback option", func(c SMTPConfig) SMTPConfig {
			c.AllowPlainOnLoopback, c.Username, c.Password = false, "cairn", "s3cret"
			return c
		}, "STARTTLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newSender(t, tt.cfg(plainConfig(srv.port()))).Send(t.Context(), Message{ID: 1, To: "ada@example.edu", Subject: "Hi"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %s", err, tt.want)
			}
		})
	}
	if got := len(srv.messages()); got != 0 {
		t.Errorf("got %d messages, want none", got)
	}
	t.Run("auth on loopback when allowed", func(t *testing.T) {
		c := plainConfig(srv.port())
		c.Username, c.Password = "cairn", "s3cret"
		if err := newSender(t, c).Send(t.Context(), Message{ID: 1, To: "ada@example.edu", Subject: "Hi"}); err != nil {
			t.Fatal(err)
		}
		if msgs := srv.messages(); len(msgs) != 1 || msgs[0].User != "cairn" {
			t.Errorf("got %+v, want one message from cairn", msgs)
		}
	})
}

func TestSMTPSenderTemporaryFailure(t *testing.T) {
	srv := newSMTPServer(t, func(s *smtpServer) {
		s.fail = func(string) string { return "451 4.3.0 try again later" }
	})
	err := newSender(t, plainConfig(srv.port())).Send(t.Context(), Message{ID: 1, To: "ada@example.edu", Subject: "Hi"})
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 451 {
		t.Errorf("got %v, want a 451 reply", err)
	}
}

func TestSMTPSenderTimesOut(t *testing.T) {
	c := plainConfig(silentServer(t))
	c.Timeout = 200 * time.Millisecond
	start := time.Now()
	err := newSender(t, c).Send(t.Context(), Message{ID: 1, To: "ada@example.edu", Subject: "Hi"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s, want about %s", d, c.Timeout)
	}

	c.Timeout = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	err = newSender(t, c).Send(ctx, Message{ID: 1, To: "ada@example.edu", Subject: "Hi"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Errorf("got %v after %s, want cancellation promptly", err, time.Since(start))
	}
}

func TestHeaderInjectionRefused(t *testing.T) {
	srv := newSMTPServer(t, nil)
	s := newSender(t, plainConfig(srv.port()))
	// Every sender refuses what could break a header; the mail-only checks
	// (one parseable address, foldable words) are SMTPSender's alone.
	tests := []struct {
		name     string
		m        Message
		mailOnly bool
	}{
		{"CRLF in subject", Message{ID: 1, To: "ada@example.edu", Subject: "Hi\r\nBcc: eve@example.com"}, false},
		{"LF in subject", Message{ID: 1, To: "ada@example.edu", Subject: "Hi\nBcc: eve@example.com"}, false},
		{"CR in subject", Message{ID: 1, To: "ada@example.edu", Subject: "Hi\rBcc: eve@example.com"}, false},
		{"CRLF in recipient", Message{ID: 1, To: "ada@example.edu\r\nBcc: eve@example.com", Subject: "Hi"}, false},
		{"NUL in recipient", Message{ID: 1, To: "ada@example.edu\x00", Subject: "Hi"}, false},
		{"no recipient", Message{ID: 1, Subject: "Hi"}, false},
		{"no id", Message{To: "ada@example.edu", Subject: "Hi"}, false},
		{"invalid UTF-8 subject", Message{ID: 1, To: "ada@example.edu", Subject: "Hi \xff"}, false},
		{"two recipients", Message{ID: 1, To: "ada@example.edu, eve@example.com", Subject: "Hi"}, true},
		{"word too long for a header", Message{ID: 1, To: "ada@example.edu", Subject: strings.Repeat("x", 1000)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Send(t.Context(), tt.m); err == nil {
				t.Error("SMTPSender: got nil, want the message refused")
			}
			err := LogSender{Logger: slog.New(slog.DiscardHandler)}.Send(t.Context(), tt.m)
			if !tt.mailOnly && err == nil {
				t.Error("LogSender: got nil, want the message refused")
			}
		})
	}
	if got := len(srv.messages()); got != 0 {
		t.Errorf("server received %d messages, want none", got)
	}
}

func TestNewSMTPSenderRejects(t *testing.T) {
	good := plainConfig(25)
	tests := []struct {
		name string
		edit func(*SMTPConfig)
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }},
		{"host with a line break", func(c *SMTPConfig) { c.Host = "mail\r\n.example.edu" }},
		{"port out of range", func(c *SMTPConfig) { c.Port = 70000 }},
		{"from not an address", func(c *SMTPConfig) { c.From = "cairn" }},
		{"from with a line break", func(c *SMTPConfig) { c.From = "cairn@example.edu\r\nBcc: eve@example.com" }},
		{"password without username", func(c *SMTPConfig) { c.Password = "x" }},
		{"negative timeout", func(c *SMTPConfig) { c.Timeout = -1 }},
		{"timeout too long", func(c *SMTPConfig) { c.Timeout = time.Hour }},
		{"bad helo name", func(c *SMTPConfig) { c.HeloName = "bad name" }},
		{"bad message id domain", func(c *SMTPConfig) { c.MessageIDDomain = "a>b" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			if _, err := NewSMTPSender(c); err == nil {
				t.Error("got nil, want an error")
			}
		})
	}
	if _, err := NewSMTPSender(good); err != nil {
		t.Errorf("good config: %v", err)
	}
}

func TestSMTPConfigLogValueHidesPassword(t *testing.T) {
	var b strings.Builder
	c := plainConfig(25)
	c.Username, c.Password = "cairn", "hunter2-secret"
	slog.New(slog.NewTextHandler(&b, nil)).Info("smtp", "config", c)
	if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "config.username=cairn") {
		t.Errorf("got log %q, want the username without the password", b.String())
	}
}
