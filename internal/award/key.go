package award

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// NormalizeEmail returns the form of an email address that keys, hashes
// and lookups use: trimmed of surrounding space and lower-cased, as
// ob.HashIdentity normalizes it.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Key returns the idempotency key of an award: the learner (by normalized
// email), the offering version and the run (0 when the award belongs to no
// run). Two awards with the same key are the same award, so running a batch
// again issues nothing twice. The key is the hex SHA-256 of the three, so
// it does not show the email address.
func Key(email string, offeringID int64, version int, runID int64) string {
	var b strings.Builder
	b.WriteString("cairn award v1\x00")
	b.WriteString(NormalizeEmail(email))
	b.WriteByte(0)
	b.WriteString(strconv.FormatInt(offeringID, 10))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(version))
	b.WriteByte(0)
	b.WriteString(strconv.FormatInt(runID, 10))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// EmailHash returns the hex SHA-256 by which the store finds a learner's
// awards without keeping the address beside them. Unlike the salted hash
// in a credential it is the same for every award of the learner, so it is
// only ever stored, never published.
func EmailHash(email string) string {
	sum := sha256.Sum256([]byte("cairn learner v1\x00" + NormalizeEmail(email)))
	return hex.EncodeToString(sum[:])
}

// SupersededKey is the key an award keeps once a correction has replaced
// it: the correction takes over the award's own key, so re-running the
// batch still finds the learner's current award, and the old one keeps a
// key of its own.
func SupersededKey(key string, awardID int64) string {
	sum := sha256.Sum256([]byte("cairn superseded award v1\x00" + key + "\x00" + strconv.FormatInt(awardID, 10)))
	return hex.EncodeToString(sum[:])
}
