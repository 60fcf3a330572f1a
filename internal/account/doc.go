// Package account signs people in and keeps them signed in: local
// passwords (argon2id), browser sessions, API tokens for machine clients,
// one-time sign-in links for learners, and OpenID Connect single sign-on.
//
// An account is an org.Person: this package adds ways to prove who a person
// is, never people. A Service holds the rules (password policy, lockout,
// lifetimes, limits) and persists through a Store, which sqlstore
// implements. Time comes from Config.Clock.
//
// Secrets given to clients — session tokens, API token secrets, sign-in
// link tokens — are 32 random bytes from crypto/rand; only their SHA-256 is
// stored, so a copy of the database does not let anyone sign in. Passwords
// are stored as argon2id PHC strings that carry their parameters, so the
// parameters can be raised later: a password hashed with older parameters
// is re-hashed at its next successful sign-in.
//
// What a signed-in person may do is not decided here: the web layer checks
// the person's roles for every action, and for an API token also
// Token.Allows, which only narrows what the token's person may do.
//
// Errors are apperror errors. Failures to sign in are Unauthorized with a
// message that does not say whether the email address is known; the reason
// (ErrUnknownEmail, ErrWrongPassword, ErrLocked, ErrNoPassword, ErrTooLong) stays
// reachable with errors.Is for the log.
package account
