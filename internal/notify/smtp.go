package notify

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Defaults and limits for SMTPConfig.
const (
	DefaultSMTPPort        = 587
	DefaultSMTPDialTimeout = 10 * time.Second
	DefaultSMTPTimeout     = 30 * time.Second
	maxSMTPTimeout         = 10 * time.Minute
	maxHeaderLine          = 998 // RFC 5322 2.1.1, without CRLF
)

// SMTPConfig configures an SMTPSender: the mail relay (submission server)
// an administrator names.
type SMTPConfig struct {
	Host string
	Port int // 0 means DefaultSMTPPort
	// From is the sender, as an address ("cairn@example.edu") or with a
	// display name ("Micro-credentials <cairn@example.edu>"); its address
	// is also the envelope sender.
	From string
	// Username and Password, when Username is set, authenticate with AUTH
	// PLAIN, which is only ever sent over TLS (or over a loopback
	// connection that AllowPlainOnLoopback permits).
	Username string
	Password string
	// AllowPlainOnLoopback permits a connection without STARTTLS when the
	// relay's address is a loopback address (a local MTA, or a test
	// server). Every other connection must switch to TLS with STARTTLS.
	AllowPlainOnLoopback bool
	// TLSConfig, if not nil, is used for STARTTLS (a private root CA, say);
	// its ServerName defaults to Host. nil means the system roots.
	TLSConfig *tls.Config
	// HeloName is the name the client gives in EHLO; "" means "localhost".
	HeloName string
	// MessageIDDomain is the right-hand side of Message-ID headers; ""
	// means the domain of From's address.
	MessageIDDomain string
	// DialTimeout bounds connecting; Timeout bounds the whole conversation
	// for one message. 0 means DefaultSMTPDialTimeout and
	// DefaultSMTPTimeout.
	DialTimeout time.Duration
	Timeout     time.Duration
}

// LogValue logs the configuration without the password.
func (c SMTPConfig) LogValue() slog.Value {
	pw := ""
	if c.Password != "" {
		pw = "xxxxx"
	}
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("from", c.From),
		slog.String("username", c.Username),
		slog.String("password", pw),
		slog.Bool("allow_plain_on_loopback", c.AllowPlainOnLoopback),
	)
}

// SMTPSender submits each message to a mail relay in a connection of its
// own. It is safe for concurrent use.
type SMTPSender struct {
	cfg      SMTPConfig
	from     *mail.Address
	idDomain string
	now      func() time.Time
}

// NewSMTPSender checks c and returns a sender for it.
func NewSMTPSender(c SMTPConfig) (*SMTPSender, error) {
	if c.Port == 0 {
		c.Port = DefaultSMTPPort
	}
	if c.HeloName == "" {
		c.HeloName = "localhost"
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultSMTPDialTimeout
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultSMTPTimeout
	}
	bad := func(format string, args ...any) (*SMTPSender, error) {
		return nil, fmt.Errorf("smtp configuration: "+format, args...)
	}
	switch {
	case c.Host == "" || strings.ContainsAny(c.Host, " /\\@") || headerValue("host", c.Host) != nil:
		return bad("host %q is not a host name or address", c.Host)
	case c.Port < 1 || c.Port > 65535:
		return bad("port %d is not from 1 to 65535", c.Port)
	case c.DialTimeout < 0 || c.DialTimeout > maxSMTPTimeout:
		return bad("dial timeout %s is outside (0, %s]", c.DialTimeout, maxSMTPTimeout)
	case c.Timeout < 0 || c.Timeout > maxSMTPTimeout:
		return bad("timeout %s is outside (0, %s]", c.Timeout, maxSMTPTimeout)
	case c.Password != "" && c.Username == "":
		return bad("a password is set without a username")
	case !isDomain(c.HeloName):
		return bad("helo name %q is not a domain name", c.HeloName)
	}
	for _, f := range []struct{ name, v string }{{"from", c.From}, {"username", c.Username}, {"password", c.Password}} {
		if err := headerValue(f.name, f.v); err != nil {
			return bad("%v", err)
		}
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return bad("from %q is not an email address", c.From)
	}
	domain := c.MessageIDDomain
	if domain == "" {
		domain = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	}
	if !isDomain(domain) {
		return bad("message id domain %q is not a domain name", domain)
	}
	return &SMTPSender{cfg: c, from: from, idDomain: domain, now: time.Now}, nil
}

// isDomain reports whether s is a dot-separated name of letters, digits and
// hyphens, safe in a Message-ID or EHLO.
func isDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// MessageID returns the Message-ID header value for notification id: the
// same for every attempt, so a resend is recognisable.
func (s *SMTPSender) MessageID(id int64) string {
	return "<cairn.notification." + strconv.FormatInt(id, 10) + "@" + s.idDomain + ">"
}

// Send submits m. It returns once the relay accepted the message, refused
// it, or ctx or the configured timeout ended the conversation. A refusal
// is a *textproto.Error carrying the relay's reply code (4xx: try again
// later; 5xx: permanent).
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, to, err := s.compose(m)
	if err != nil {
		return fmt.Errorf("notification %d: %w", m.ID, err)
	}
	if err := s.deliver(ctx, to, msg); err != nil {
		return fmt.Errorf("notification %d: smtp %s: %w", m.ID, s.addr(), err)
	}
	return nil
}

func (s *SMTPSender) addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}

// compose builds the message text (headers and quoted-printable body, CRLF
// line ends) and returns it with the envelope recipient.
func (s *SMTPSender) compose(m Message) (msg []byte, rcpt string, err error) {
	if err := m.check(); err != nil {
		return nil, "", err
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, "", fmt.Errorf("recipient %q is not one email address", m.To)
	}
	var b bytes.Buffer
	header := func(name, value string) error {
		folded, err := fold(name, value)
		if err != nil {
			return err
		}
		b.WriteString(folded)
		return nil
	}
	for _, h := range []struct{ name, value string }{
		{"From", s.from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", s.now().Format(time.RFC1123Z)},
		{"Message-ID", s.MessageID(m.ID)},
		{"Auto-Submitted", "auto-generated"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
	} {
		if err := header(h.name, h.value); err != nil {
			return nil, "", err
		}
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\r", "\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, "", err
	}
	if err := qp.Close(); err != nil {
		return nil, "", err
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), to.Address, nil
}

// fold writes "Name: value" CRLF, breaking the value at spaces so that no
// line exceeds 78 characters where it can be helped, and none exceeds the
// hard limit of 998.
func fold(name, value string) (string, error) {
	var b strings.Builder
	b.WriteString(name)
	b.WriteString(":")
	line := len(name) + 1
	for word := range strings.FieldsSeq(value) {
		if line+1+len(word) > 78 && line > len(name)+1 {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" ")
		b.WriteString(word)
		line += 1 + len(word)
		if line > maxHeaderLine {
			return "", fmt.Errorf("%s has a word too long for a mail header", strings.ToLower(name))
		}
	}
	b.WriteString("\r\n")
	return b.String(), nil
}

// deliver runs one SMTP conversation.
func (s *SMTPSender) deliver(ctx context.Context, rcpt string, msg []byte) (err error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	d := net.Dialer{Timeout: s.cfg.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr())
	if err != nil {
		return err
	}
	defer conn.Close()
	dl, hasDeadline := ctx.Deadline()
	if hasDeadline {
		conn.SetDeadline(dl)
	}
	// A cancelled ctx interrupts whatever read or write is in progress.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	defer func() {
		if err == nil {
			return
		}
		// The connection's deadline may fire a moment before ctx's.
		cause := ctx.Err()
		if cause == nil && hasDeadline && !time.Now().Before(dl) {
			cause = context.DeadlineExceeded
		}
		if cause != nil {
			err = fmt.Errorf("%w (%w)", cause, err)
		}
	}()

	loopback := false
	if a, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		loopback = a.IP.IsLoopback()
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HeloName); err != nil {
		return err
	}
	secure := false
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if s.cfg.TLSConfig != nil {
			tc = s.cfg.TLSConfig.Clone()
		}
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
		secure = true
	} else if !(s.cfg.AllowPlainOnLoopback && loopback) {
		return errors.New("the server does not offer STARTTLS, and cairn sends mail only over TLS")
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("a username is configured but the server does not offer AUTH")
		}
		if err := c.Auth(plainAuth{user: s.cfg.Username, pass: s.cfg.Password, allowed: secure || (s.cfg.AllowPlainOnLoopback && loopback)}); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	// The message is accepted; a failed QUIT does not change that.
	_ = c.Quit()
	return nil
}

// plainAuth is AUTH PLAIN (RFC 4616) that sends the credentials only when
// the connection allows it: TLS, or loopback when plain is permitted there.
type plainAuth struct {
	user, pass string
	allowed    bool
}

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	if !a.allowed {
		return "", nil, errors.New("refusing to send a password over an unencrypted connection")
	}
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}
