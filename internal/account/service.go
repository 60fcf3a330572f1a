package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// Store persists accounts. sqlstore.Store implements it. Times are given by
// the Service, read from its clock; the store compares with them rather
// than with its own.
type Store interface {
	// Person returns a person with their role grants; NotFound if none.
	Person(ctx context.Context, id int64) (org.Person, error)
	// PersonByEmail is Person by normalized email address.
	PersonByEmail(ctx context.Context, email string) (org.Person, error)

	// PasswordByEmail returns the password record of the person with the
	// email address; NotFound if there is no such person or they have no
	// password.
	PasswordByEmail(ctx context.Context, email string) (PasswordRecord, error)
	// SetPasswordHash sets (or replaces) a person's password hash and
	// clears their failed attempts and lockout; NotFound if no person.
	SetPasswordHash(ctx context.Context, personID int64, hash string, at time.Time) error
	// RecordSignInFailure counts a failed password attempt; the
	// maxFailures-th in a row locks the account until lockUntil and starts
	// the count again.
	RecordSignInFailure(ctx context.Context, personID int64, maxFailures int, lockUntil time.Time) error
	// RecordSignIn notes a successful password sign-in and clears the
	// failed attempts.
	RecordSignIn(ctx context.Context, personID int64, at time.Time) error

	// CreateSession stores a new session under the hash of its token,
	// filling in s.ID, and then keeps only the person's keep most recently
	// seen sessions. NotFound if no person.
	CreateSession(ctx context.Context, s *Session, tokenHash string, keep int) error
	// SessionByHash returns the session with the token hash; NotFound if
	// none.
	SessionByHash(ctx context.Context, tokenHash string) (Session, error)
	// TouchSession sets a session's LastSeenAt.
	TouchSession(ctx context.Context, id int64, at time.Time) error
	// DeleteSession deletes the session with the token hash, if any.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeletePersonSessions deletes all of a person's sessions.
	DeletePersonSessions(ctx context.Context, personID int64) error

	// CreateAPIToken stores a new token under the hash of its secret,
	// filling in t.ID; Conflict if the person already has maxActive
	// tokens that are neither revoked nor expired at t.CreatedAt, NotFound
	// if no person.
	CreateAPIToken(ctx context.Context, t *Token, secretHash string, maxActive int) error
	// APITokenByHash returns the token with the secret hash; NotFound if
	// none.
	APITokenByHash(ctx context.Context, secretHash string) (Token, error)
	// TouchAPIToken sets a token's LastUsedAt.
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	// RevokeAPIToken marks a token revoked by a person at a time; revoking
	// a revoked token keeps the first revocation. NotFound if no token.
	RevokeAPIToken(ctx context.Context, id, by int64, at time.Time) error
	// APITokens lists a person's tokens, newest first, at most
	// MaxTokensListed.
	APITokens(ctx context.Context, personID int64) ([]Token, error)

	// CreateLoginLink stores a sign-in link for a person under the hash
	// of its token; Conflict if the person already has maxLive unused
	// links that have not expired at createdAt.
	CreateLoginLink(ctx context.Context, personID int64, tokenHash string, createdAt, expiresAt time.Time, maxLive int) error
	// RedeemLoginLink marks the unused, unexpired link with the token hash
	// used at at and returns its person; NotFound if there is no such
	// link. Of two concurrent redemptions at most one succeeds.
	RedeemLoginLink(ctx context.Context, tokenHash string, at time.Time) (personID int64, err error)

	// IdentityPerson returns the person linked to an OIDC identity and
	// notes the sign-in at at; NotFound if the identity is not linked.
	IdentityPerson(ctx context.Context, issuer, subject string, at time.Time) (personID int64, err error)
	// LinkIdentity links an OIDC identity to a person; Conflict if the
	// identity is linked already or the person has another identity at
	// that issuer.
	LinkIdentity(ctx context.Context, id Identity) error

	// PurgeAccounts deletes sessions that expired by now or were last seen
	// before idleBefore, and sign-in links that expired by now, and
	// returns how many rows went.
	PurgeAccounts(ctx context.Context, now, idleBefore time.Time) (int64, error)
}

// MaxTokensListed bounds Service.Tokens.
const MaxTokensListed = 500

// PasswordRecord is a person's stored password.
type PasswordRecord struct {
	PersonID       int64
	Hash           string // argon2id PHC string
	FailedAttempts int    // in a row since the last success or lockout
	LockedUntil    time.Time
	ChangedAt      time.Time
	LastSignInAt   time.Time
}

// Config configures a Service. Zero fields take the defaults.
type Config struct {
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Password is the argon2id parameters for new hashes; the zero value
	// means DefaultPasswordParams. Hashes made with other parameters are
	// redone at the next successful sign-in.
	Password PasswordParams
	// MaxConcurrentHashes bounds how many password hashes are computed at
	// once (each takes Password.MemoryKiB); 0 means 4.
	MaxConcurrentHashes int
	// MaxFailures is how many failed password attempts in a row lock an
	// account; 0 means 5.
	MaxFailures int
	// Lockout is how long a locked account stays locked; 0 means 15
	// minutes.
	Lockout time.Duration
	// SessionLifetime is a session's absolute lifetime; 0 means
	// DefaultSessionLifetime.
	SessionLifetime time.Duration
	// SessionIdle ends a session not used for this long; 0 means
	// DefaultSessionIdle.
	SessionIdle time.Duration
	// MaxSessions is how many sessions a person keeps; signing in once
	// more ends the least recently used. 0 means 20.
	MaxSessions int
	// LoginLinkLifetime is how long a sign-in link may be redeemed; 0
	// means 15 minutes.
	LoginLinkLifetime time.Duration
	// MaxLoginLinks is how many unused, unexpired sign-in links a person
	// may have at once, which bounds the mail one address can be sent; 0
	// means 5.
	MaxLoginLinks int
	// MaxTokens is how many active API tokens a person may have; 0 means
	// 50.
	MaxTokens int
}

// withDefaults fills in zero fields and checks the bounds.
func (c Config) withDefaults() (Config, error) {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Password == (PasswordParams{}) {
		c.Password = DefaultPasswordParams
	}
	defInt(&c.MaxConcurrentHashes, 4)
	defInt(&c.MaxFailures, 5)
	def(&c.Lockout, 15*time.Minute)
	def(&c.SessionLifetime, DefaultSessionLifetime)
	def(&c.SessionIdle, DefaultSessionIdle)
	defInt(&c.MaxSessions, 20)
	def(&c.LoginLinkLifetime, 15*time.Minute)
	defInt(&c.MaxLoginLinks, 5)
	defInt(&c.MaxTokens, 50)
	if err := c.Password.Validate(); err != nil {
		return c, err
	}
	switch {
	case c.MaxConcurrentHashes < 1 || c.MaxConcurrentHashes > 1000:
		return c, errors.New("max concurrent hashes must be between 1 and 1000")
	case c.MaxFailures < 1 || c.MaxFailures > 1000:
		return c, errors.New("max failures must be between 1 and 1000")
	case c.Lockout < time.Second || c.Lockout > 7*24*time.Hour:
		return c, errors.New("lockout must be between a second and a week")
	case c.SessionLifetime < time.Minute || c.SessionLifetime > 90*24*time.Hour:
		return c, errors.New("session lifetime must be between a minute and 90 days")
	case c.SessionIdle < time.Minute || c.SessionIdle > c.SessionLifetime:
		return c, errors.New("session idle timeout must be between a minute and the session lifetime")
	case c.MaxSessions < 1 || c.MaxSessions > 1000:
		return c, errors.New("max sessions must be between 1 and 1000")
	case c.LoginLinkLifetime < time.Minute || c.LoginLinkLifetime > 24*time.Hour:
		return c, errors.New("sign-in link lifetime must be between a minute and a day")
	case c.MaxLoginLinks < 1 || c.MaxLoginLinks > 100:
		return c, errors.New("max sign-in links must be between 1 and 100")
	case c.MaxTokens < 1 || c.MaxTokens > MaxTokensListed:
		return c, fmt.Errorf("max tokens must be between 1 and %d", MaxTokensListed)
	}
	return c, nil
}

// Service signs people in. It is safe for concurrent use.
type Service struct {
	store Store
	cfg   Config
	// hashing bounds concurrent argon2id computations.
	hashing chan struct{}
	// dummy is a hash to verify against when there is no password, so an
	// unknown email costs the same work as a wrong password.
	dummyOnce sync.Once
	dummy     string
}

// New returns a Service over store with cfg's settings.
func New(store Store, cfg Config) (*Service, error) {
	if store == nil {
		return nil, errors.New("new account service: no store")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new account service: %w", err)
	}
	return &Service{store: store, cfg: cfg, hashing: make(chan struct{}, cfg.MaxConcurrentHashes)}, nil
}

// Config returns the settings in effect, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// now reads the clock at the precision both database engines store.
func (s *Service) now() time.Time { return s.cfg.Clock().UTC().Truncate(time.Microsecond) }

// hash runs f while holding one of the hashing slots.
func (s *Service) hash(ctx context.Context, f func()) error {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashing }()
	f()
	return nil
}

// SetPassword checks password against the policy (CheckPassword), stores
// its hash for the person and ends all of the person's sessions, since a
// password is changed to shut someone out as often as not; the caller
// starts a new session for the person if they are the one signed in.
func (s *Service) SetPassword(ctx context.Context, personID int64, password string) error {
	p, err := s.store.Person(ctx, personID)
	if err != nil {
		return err
	}
	if err := CheckPassword(password, p.Email); err != nil {
		return err
	}
	var h string
	if err := s.hash(ctx, func() { h = hashPassword(password, s.cfg.Password) }); err != nil {
		return err
	}
	if err := s.store.SetPasswordHash(ctx, personID, h, s.now()); err != nil {
		return err
	}
	return s.store.DeletePersonSessions(ctx, personID)
}

// Authenticate returns the person with the email address if password is
// theirs. Every failure — unknown email, no password set, wrong password,
// locked account — is the same Unauthorized error after the same hashing
// work (except for input longer than any address or password, refused at
// once); errors.Is tells the reasons apart for the log (ErrUnknownEmail,
// ErrNoPassword, ErrWrongPassword, ErrLocked, ErrTooLong). MaxFailures wrong passwords
// in a row lock the account for Lockout, during which even the right
// password is refused.
func (s *Service) Authenticate(ctx context.Context, email, password string) (org.Person, error) {
	if len(email) > org.MaxEmailLen || len(password) > MaxPasswordBytes {
		return org.Person{}, signInFailed(ErrTooLong)
	}
	rec, err := s.store.PasswordByEmail(ctx, email)
	if apperror.CodeOf(err) == apperror.NotFound {
		s.dummyVerify(ctx, password)
		_, perr := s.store.PersonByEmail(ctx, email)
		if perr == nil {
			return org.Person{}, signInFailed(ErrNoPassword)
		}
		return org.Person{}, signInFailed(ErrUnknownEmail)
	}
	if err != nil {
		return org.Person{}, err
	}
	var ok, rehash bool
	var verr error
	if err := s.hash(ctx, func() { ok, rehash, verr = verifyPassword(rec.Hash, password, s.cfg.Password) }); err != nil {
		return org.Person{}, err
	}
	if verr != nil {
		return org.Person{}, fmt.Errorf("authenticate person %d: %w", rec.PersonID, verr)
	}
	now := s.now()
	if now.Before(rec.LockedUntil) {
		return org.Person{}, signInFailed(ErrLocked)
	}
	if !ok {
		if err := s.store.RecordSignInFailure(ctx, rec.PersonID, s.cfg.MaxFailures, now.Add(s.cfg.Lockout)); err != nil {
			return org.Person{}, err
		}
		return org.Person{}, signInFailed(ErrWrongPassword)
	}
	if err := s.store.RecordSignIn(ctx, rec.PersonID, now); err != nil {
		return org.Person{}, err
	}
	if rehash {
		var h string
		if err := s.hash(ctx, func() { h = hashPassword(password, s.cfg.Password) }); err == nil {
			// The sign-in stands even if the upgrade fails: the old hash
			// still verifies and the next sign-in tries again.
			_ = s.store.SetPasswordHash(ctx, rec.PersonID, h, now)
		}
	}
	return s.store.Person(ctx, rec.PersonID)
}

// dummyVerify does the work of checking a password against a hash with the
// current parameters, and throws the result away.
func (s *Service) dummyVerify(ctx context.Context, password string) {
	_ = s.hash(ctx, func() {
		s.dummyOnce.Do(func() { s.dummy = hashPassword("cairn: no such account", s.cfg.Password) })
		_, _, _ = verifyPassword(s.dummy, password, s.cfg.Password)
	})
}

// errNoSession is the answer to a session token that is unknown, expired
// or malformed: the browser must sign in again.
func errNoSession(cause error) error {
	return deny(apperror.Unauthorized, "your session has ended; sign in again", cause)
}

// NewSession starts a session for the person and returns the token for the
// session cookie (see CookieFor). userAgent is kept, cut to
// MaxUserAgentBytes, so the person can recognise their sessions.
func (s *Service) NewSession(ctx context.Context, personID int64, userAgent string) (string, Session, error) {
	token, h := newToken()
	now := s.now()
	sess := Session{
		PersonID:   personID,
		UserAgent:  cleanUserAgent(userAgent),
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(s.cfg.SessionLifetime),
	}
	if err := s.store.CreateSession(ctx, &sess, h, s.cfg.MaxSessions); err != nil {
		return "", Session{}, err
	}
	return token, sess, nil
}

// cleanUserAgent keeps printable UTF-8 of a user agent, at most
// MaxUserAgentBytes of it.
func cleanUserAgent(ua string) string {
	ua = strings.ToValidUTF8(ua, "")
	ua = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, ua)
	return truncate(ua, MaxUserAgentBytes)
}

// SessionByToken returns the live session with token and its person, with
// their roles, noting the use. A session past its absolute end or unused
// for longer than the idle timeout is deleted and refused as Unauthorized,
// as is an unknown token.
func (s *Service) SessionByToken(ctx context.Context, token string) (Session, org.Person, error) {
	if !wellFormedToken(token) {
		return Session{}, org.Person{}, errNoSession(errors.New("malformed session token"))
	}
	h := hashSecret(token)
	sess, err := s.store.SessionByHash(ctx, h)
	if apperror.CodeOf(err) == apperror.NotFound {
		return Session{}, org.Person{}, errNoSession(err)
	}
	if err != nil {
		return Session{}, org.Person{}, err
	}
	now := s.now()
	if !now.Before(sess.EndsAt(s.cfg.SessionIdle)) {
		if err := s.store.DeleteSession(ctx, h); err != nil {
			return Session{}, org.Person{}, err
		}
		return Session{}, org.Person{}, errNoSession(errors.New("session expired"))
	}
	if now.Sub(sess.LastSeenAt) >= touchInterval {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return Session{}, org.Person{}, err
		}
		sess.LastSeenAt = now
	}
	p, err := s.store.Person(ctx, sess.PersonID)
	if err != nil {
		return Session{}, org.Person{}, err
	}
	return sess, p, nil
}

// EndSession ends the session with token, for signing out. An unknown or
// malformed token is not an error: the session is over either way.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if !wellFormedToken(token) {
		return nil
	}
	return s.store.DeleteSession(ctx, hashSecret(token))
}

// EndAllSessions ends every session of the person, on every device.
func (s *Service) EndAllSessions(ctx context.Context, personID int64) error {
	return s.store.DeletePersonSessions(ctx, personID)
}

// errBadToken is the answer to an API token secret that is unknown,
// malformed, revoked or expired.
func errBadToken(message string, cause error) error {
	return deny(apperror.Unauthorized, message, cause)
}

// IssueToken creates an API token for the person with a name, scopes, an
// optional issuer restriction and an optional expiry (zero: none), and
// returns its secret, which is shown once and never stored, and the token.
// Whether the person may hold these scopes is the caller's decision; the
// token never does more than its person may.
func (s *Service) IssueToken(ctx context.Context, personID int64, name string, scopes []Scope, issuerDID string, expires time.Time) (string, Token, error) {
	if err := checkTokenFields(name, scopes, issuerDID); err != nil {
		return "", Token{}, err
	}
	now := s.now()
	if !expires.IsZero() {
		expires = expires.UTC().Truncate(time.Microsecond)
		if !expires.After(now) || expires.Sub(now) > MaxTokenLifetime {
			return "", Token{}, apperror.Field("expires", "must be in the future, at most five years ahead")
		}
	}
	secret, h := newSecret()
	t := Token{
		PersonID:  personID,
		Name:      strings.TrimSpace(name),
		Scopes:    append([]Scope(nil), scopes...),
		IssuerDID: issuerDID,
		CreatedAt: now,
		ExpiresAt: expires,
	}
	if err := s.store.CreateAPIToken(ctx, &t, h, s.cfg.MaxTokens); err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// TokenBySecret returns the active token with secret and its person, with
// their roles, noting the use. An unknown, malformed, revoked or expired
// secret is Unauthorized.
func (s *Service) TokenBySecret(ctx context.Context, secret string) (Token, org.Person, error) {
	if !wellFormedSecret(secret) {
		return Token{}, org.Person{}, errBadToken("the API token is not valid", errors.New("malformed API token"))
	}
	t, err := s.store.APITokenByHash(ctx, hashSecret(secret))
	if apperror.CodeOf(err) == apperror.NotFound {
		return Token{}, org.Person{}, errBadToken("the API token is not valid", err)
	}
	if err != nil {
		return Token{}, org.Person{}, err
	}
	now := s.now()
	switch {
	case !t.RevokedAt.IsZero():
		return Token{}, org.Person{}, errBadToken("the API token has been revoked", fmt.Errorf("token %d revoked", t.ID))
	case !t.Active(now):
		return Token{}, org.Person{}, errBadToken("the API token has expired", fmt.Errorf("token %d expired", t.ID))
	}
	if now.Sub(t.LastUsedAt) >= touchInterval {
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err != nil {
			return Token{}, org.Person{}, err
		}
		t.LastUsedAt = now
	}
	p, err := s.store.Person(ctx, t.PersonID)
	if err != nil {
		return Token{}, org.Person{}, err
	}
	return t, p, nil
}

// RevokeToken revokes the token with id on behalf of person by; it can no
// longer be used. Revoking a revoked token does nothing. Whether by may
// revoke it (their own, or as an administrator) is the caller's decision.
func (s *Service) RevokeToken(ctx context.Context, id, by int64) error {
	return s.store.RevokeAPIToken(ctx, id, by, s.now())
}

// Tokens lists the person's API tokens, revoked and expired ones included,
// newest first; never their secrets.
func (s *Service) Tokens(ctx context.Context, personID int64) ([]Token, error) {
	return s.store.APITokens(ctx, personID)
}

// errBadLink is the answer to a sign-in link that is unknown, used,
// expired or malformed.
func errBadLink(cause error) error {
	return deny(apperror.Unauthorized, "this sign-in link is not valid: it was used already or has expired; ask for a new one", cause)
}

// NewLoginLink makes a one-time sign-in link token for the person with the
// email address, valid for LoginLinkLifetime; the caller mails it. An
// unknown address is NotFound and too many live links Conflict: the web
// layer should answer "if the address is known, a link is on its way"
// either way, so the page does not reveal who has an account.
func (s *Service) NewLoginLink(ctx context.Context, email string) (string, error) {
	if len(email) > org.MaxEmailLen {
		return "", apperror.Field("email", "is longer than %d bytes", org.MaxEmailLen)
	}
	p, err := s.store.PersonByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	token, h := newToken()
	now := s.now()
	if err := s.store.CreateLoginLink(ctx, p.ID, h, now, now.Add(s.cfg.LoginLinkLifetime), s.cfg.MaxLoginLinks); err != nil {
		return "", err
	}
	return token, nil
}

// RedeemLoginLink uses up the sign-in link with token and returns its
// person, with their roles. A link works once, before it expires; anything
// else is Unauthorized.
func (s *Service) RedeemLoginLink(ctx context.Context, token string) (org.Person, error) {
	if !wellFormedToken(token) {
		return org.Person{}, errBadLink(errors.New("malformed sign-in link token"))
	}
	id, err := s.store.RedeemLoginLink(ctx, hashSecret(token), s.now())
	if apperror.CodeOf(err) == apperror.NotFound {
		return org.Person{}, errBadLink(err)
	}
	if err != nil {
		return org.Person{}, err
	}
	return s.store.Person(ctx, id)
}

// Purge deletes ended sessions and expired sign-in links, and returns how
// many rows went. Run it now and then (say hourly) to keep the tables
// small; correctness does not depend on it.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	return s.store.PurgeAccounts(ctx, now, now.Add(-s.cfg.SessionIdle))
}
