package notify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// received is one message the test server accepted.
type received struct {
	From, To string
	Data     string // as written by the client, dot-stuffing undone, CRLF kept as LF
	TLS      bool   // the conversation had switched to TLS
	User     string // the authenticated user, if any
}

// smtpServer is a minimal SMTP server on 127.0.0.1 for tests: EHLO, HELO,
// optional STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
type smtpServer struct {
	t    *testing.T
	ln   net.Listener
	tls  *tls.Config       // nil: no STARTTLS offered
	auth map[string]string // user → password; nil: no AUTH offered
	// fail, if set, is asked about each message after DATA; a non-empty
	// reply (e.g. "451 4.3.0 try later") refuses it.
	fail func(data string) string

	mu   sync.Mutex
	msgs []received
	wg   sync.WaitGroup
}

// newSMTPServer starts a server; it stops when the test ends.
func newSMTPServer(t *testing.T, configure func(*smtpServer)) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{t: t, ln: ln}
	if configure != nil {
		configure(s)
	}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *smtpServer) serve(conn net.Conn) {
	defer func() { conn.Close() }()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(format string, args ...any) { tp.PrintfLine(format, args...) }
	reply("220 test.invalid ESMTP")
	var cur received
	secure, user := false, ""
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"250-test.invalid", "250-8BITMIME"}
			if s.tls != nil && !secure {
				ext = append(ext, "250-STARTTLS")
			}
			if s.auth != nil {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 SIZE 1000000")
			for _, e := range ext {
				reply("%s", e)
			}
		case "HELO", "NOOP":
			reply("250 ok")
		case "STARTTLS":
			if s.tls == nil || secure {
				reply("502 no")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure, cur = tc, true, received{}
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if s.auth == nil || mech != "PLAIN" || err != nil || len(parts) != 3 || s.auth[parts[1]] != parts[2] || parts[2] == "" {
				reply("535 5.7.8 authentication failed")
				continue
			}
			user = parts[1]
			reply("235 2.7.0 ok")
		case "MAIL":
			if s.auth != nil && user == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			cur = received{From: addrOf(arg), TLS: secure, User: user}
			reply("250 ok")
		case "RCPT":
			cur.To = addrOf(arg)
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = string(data)
			if s.fail != nil {
				if r := s.fail(cur.Data); r != "" {
					reply("%s", r)
					continue
				}
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			reply("250 queued")
		case "RSET":
			cur = received{}
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 unknown command")
		}
	}
}

// addrOf extracts the address from "FROM:<a@b> BODY=8BITMIME".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	a, _, _ := strings.Cut(rest, ">")
	return a
}

// testTLS returns a server config with a fresh self-signed certificate for
// 127.0.0.1 and a client config that trusts it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "cairn test smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client
}

// silentServer accepts connections and never answers, to test timeouts.
func silentServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
				}
			})
		}
	})
	t.Cleanup(func() { close(done); ln.Close(); wg.Wait() })
	return ln.Addr().(*net.TCPAddr).Port
}
