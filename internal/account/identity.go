package account

import (
	"context"
	"errors"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// Bounds on the claims kept of an OIDC identity.
const (
	MaxIssuerBytes  = 2048
	MaxSubjectBytes = 255 // OpenID Connect Core §2: at most 255 ASCII characters
)

// Identity links a person to their account at an OpenID provider.
type Identity struct {
	Issuer   string
	Subject  string
	PersonID int64
	Email    string // the verified email address that made the link
	LinkedAt time.Time
}

// errNoAccount is the answer to a single sign-on identity that matches no
// person.
func errNoAccount(cause error) error {
	return deny(apperror.Forbidden,
		"you signed in with single sign-on, but cairn has no account for you; ask an administrator to add you", cause)
}

// LinkOrFind returns the person that verified OIDC claims (from
// OIDC.Exchange) belong to: the person linked to the identity (issuer,
// subject) or else, the first time, the person whose email address the
// provider verified, who is then linked to the identity. It never creates
// a person: an identity that matches no one is Forbidden, as is a verified
// email whose person is already linked to another identity at the same
// provider.
func (s *Service) LinkOrFind(ctx context.Context, c Claims) (org.Person, error) {
	switch {
	case c.Issuer == "" || len(c.Issuer) > MaxIssuerBytes:
		return org.Person{}, apperror.Field("iss", "is required, at most %d bytes", MaxIssuerBytes)
	case c.Subject == "" || len(c.Subject) > MaxSubjectBytes:
		return org.Person{}, apperror.Field("sub", "is required, at most %d bytes", MaxSubjectBytes)
	}
	now := s.now()
	id, err := s.store.IdentityPerson(ctx, c.Issuer, c.Subject, now)
	if err == nil {
		return s.store.Person(ctx, id)
	}
	if apperror.CodeOf(err) != apperror.NotFound {
		return org.Person{}, err
	}
	if c.Email == "" || !c.EmailVerified || len(c.Email) > org.MaxEmailLen {
		return org.Person{}, errNoAccount(errors.New("identity not linked and no verified email address"))
	}
	p, err := s.store.PersonByEmail(ctx, c.Email)
	if apperror.CodeOf(err) == apperror.NotFound {
		return org.Person{}, errNoAccount(err)
	}
	if err != nil {
		return org.Person{}, err
	}
	err = s.store.LinkIdentity(ctx, Identity{Issuer: c.Issuer, Subject: c.Subject, PersonID: p.ID, Email: org.NormalizeEmail(c.Email), LinkedAt: now})
	if apperror.CodeOf(err) == apperror.Conflict {
		// Perhaps a concurrent sign-in linked this very identity first.
		if id, ierr := s.store.IdentityPerson(ctx, c.Issuer, c.Subject, now); ierr == nil && id == p.ID {
			return p, nil
		}
		return org.Person{}, deny(apperror.Forbidden,
			"your cairn account is linked to another single sign-on identity; ask an administrator", err)
	}
	if err != nil {
		return org.Person{}, err
	}
	return p, nil
}
