package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"cairn/internal/sqlstore"
)

// Message is one notification to deliver.
type Message struct {
	// ID is the notification's id in the outbox and the message's
	// idempotency key: every attempt to send one notification carries the
	// same ID, and SMTPSender derives the Message-ID header from it.
	ID      int64
	Kind    string // what it is about, e.g. "review_due"; not sent
	To      string // one address, e.g. "ada@example.edu" or "Ada <ada@example.edu>"
	Subject string
	Body    string // plain text
}

// MessageOf returns the Message for a notification from the outbox.
func MessageOf(n sqlstore.Notification) Message {
	return Message{ID: n.ID, Kind: n.Kind, To: n.Recipient, Subject: n.Subject, Body: n.Body}
}

// Sender delivers messages. Send must be safe for concurrent use, return
// once ctx is done, and return nil only when the message was handed on
// (accepted by the mail relay, written to the log).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// check refuses a message that no sender can deliver safely: no id or
// recipient, or a header value that could start a new header line.
func (m Message) check() error {
	if m.ID < 1 {
		return errors.New("message has no notification id")
	}
	if strings.TrimSpace(m.To) == "" {
		return errors.New("message has no recipient")
	}
	if err := headerValue("recipient", m.To); err != nil {
		return err
	}
	if err := headerValue("subject", m.Subject); err != nil {
		return err
	}
	if !utf8.ValidString(m.Body) {
		return errors.New("message body is not UTF-8")
	}
	return nil
}

// headerValue refuses text that is not UTF-8 or holds a control character
// other than tab: CR or LF in a header would let the text add headers (a
// Bcc, say) or end the header block.
func headerValue(name, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not UTF-8", name)
	}
	for _, r := range v {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return fmt.Errorf("%s contains a control character (%U); line breaks are not allowed in a header", name, r)
		}
	}
	return nil
}

// LogSender "sends" a message by writing one structured log line: id, kind,
// recipient, subject and the body's size. The body is not logged, since it
// may hold a link that works as a credential.
type LogSender struct {
	Logger *slog.Logger // nil means slog.Default()
}

// Send logs m.
func (s LogSender) Send(ctx context.Context, m Message) error {
	if err := m.check(); err != nil {
		return fmt.Errorf("notification %d: %w", m.ID, err)
	}
	l := s.Logger
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(ctx, slog.LevelInfo, "notification",
		slog.Int64("id", m.ID),
		slog.String("kind", m.Kind),
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.Int("body_bytes", len(m.Body)))
	return nil
}
