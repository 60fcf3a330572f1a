package award

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/ob"
	"cairn/internal/proof"
)

// Format is how an institution secures the credentials it issues.
type Format string

// The proof formats.
const (
	// FormatDI is a Data Integrity eddsa-rdfc-2022 proof inside the JSON.
	FormatDI Format = "di"
	// FormatJWT is a VC-JOSE compact JWS whose payload is the credential.
	FormatJWT Format = "jwt"
	// FormatBoth issues each credential both ways.
	FormatBoth Format = "both"
)

// ParseFormat reads a proof format setting: di, jwt or both.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatDI, FormatJWT, FormatBoth:
		return f, nil
	}
	return "", apperror.Field("proof_format", "must be di, jwt or both, not %q", s)
}

func (f Format) di() bool  { return f == FormatDI || f == FormatBoth }
func (f Format) jwt() bool { return f == FormatJWT || f == FormatBoth }

// Signed is one issued credential.
type Signed struct {
	// JSON is the credential: with its Data Integrity proof when the
	// format includes DI, otherwise the JWT's payload.
	JSON []byte
	// JWT is the compact JWS, when the format includes JWT.
	JWT string
}

// Pipeline builds and signs credentials for one issuer with one key. It is
// safe for concurrent use, so a batch signs on every core.
type Pipeline struct {
	Issuer Issuer
	// BaseURL is cairn's public URL; achievement and status list URLs are
	// made from it (see AchievementURL and StatusListURL).
	BaseURL string
	// Signer is the issuer's private key, from package keys.
	Signer crypto.Signer
	// VerificationMethod is the DID URL of the key, e.g. did:web:…#key-1.
	VerificationMethod string
	Format             Format
	DI                 proof.DataIntegrity
	JWT                proof.JWT
	// Clock stamps the proofs' created time; nil means time.Now.
	Clock func() time.Time

	mu           sync.Mutex
	achievements map[achievementKey]builtAchievement
}

// builtAchievement is a version's Achievement and its JSON, made once.
type builtAchievement struct {
	a      ob.Achievement
	raw    json.RawMessage
	issuer json.RawMessage
}

type achievementKey struct {
	offering int64
	version  int
	hash     string
	interim  bool
	// endorsed is the digest of the embedded endorsements, "" for none.
	endorsed string
	// stacked is the digest of the stacks by rule, "" for none.
	stacked string
}

// maxCachedAchievements bounds the achievements a Pipeline keeps built.
const maxCachedAchievements = 1000

// Check reports a pipeline that cannot sign: no issuer DID, a verification
// method of another DID, an unknown format, or a DI format with a key that
// is not Ed25519.
func (p *Pipeline) Check() error {
	switch {
	case p.Signer == nil:
		return apperror.New(apperror.Invalid, "the issuer has no signing key")
	case !validDID(p.Issuer.ID):
		return apperror.Field("issuer", "must be a DID, not %q", p.Issuer.ID)
	case !strings.HasPrefix(p.VerificationMethod, p.Issuer.ID+"#"):
		return apperror.Field("verification_method", "%q is not a key of %s", p.VerificationMethod, p.Issuer.ID)
	case !isHTTPURL(p.BaseURL):
		return apperror.Field("base_url", "must be an http(s) URL")
	}
	if _, err := ParseFormat(string(p.Format)); err != nil {
		return err
	}
	if _, ok := p.Signer.Public().(ed25519.PublicKey); p.Format.di() && !ok {
		return apperror.Field("proof_format", "Data Integrity eddsa-rdfc-2022 needs an Ed25519 key; use jwt")
	}
	if p.Format.di() && p.DI.Canon == nil {
		return apperror.New(apperror.Internal, "the Data Integrity suite has no canonicalizer")
	}
	return nil
}

// IssuerID returns the issuer's DID, which status lists are kept under.
func (p *Pipeline) IssuerID() string { return p.Issuer.ID }

// AchievementURL is the URL of an offering version's achievement:
// BASE/achievements/OFFERING/vVERSION.
func (p *Pipeline) AchievementURL(offeringID int64, version int) string {
	return strings.TrimSuffix(p.BaseURL, "/") + "/achievements/" + strconv.FormatInt(offeringID, 10) + "/v" + strconv.Itoa(version)
}

// StatusListURL is the URL a status list credential is published at:
// BASE/status/LIST.
func (p *Pipeline) StatusListURL(listID int64) string {
	return strings.TrimSuffix(p.BaseURL, "/") + "/status/" + strconv.FormatInt(listID, 10)
}

// Issue builds the credential of one award and signs it. in.Issuer and
// in.AchievementID are filled in from the pipeline when empty.
func (p *Pipeline) Issue(in Input) (Signed, error) {
	if in.Issuer == (Issuer{}) {
		in.Issuer = p.Issuer
	}
	if in.AchievementID == "" {
		in.AchievementID = p.AchievementURL(in.Offering.ID, in.Offering.Version)
	}
	if err := in.Offering.Awardable(); err != nil {
		return Signed{}, err
	}
	built, err := p.achievement(in)
	if err != nil {
		return Signed{}, err
	}
	c, err := BuildWith(built.a, in)
	if err != nil {
		return Signed{}, err
	}
	// The achievement is most of the credential and the same in every
	// award of the version: it goes in as the JSON made once.
	doc, err := encodeCredential(c, built.raw, built.issuer)
	if err != nil {
		return Signed{}, fmt.Errorf("encode credential: %w", err)
	}
	return p.sign(doc)
}

// achievement returns the version's Achievement, built once per version
// (as its hash names it) when the pipeline's own issuer and URL are used.
func (p *Pipeline) achievement(in Input) (builtAchievement, error) {
	in.Offering.Stacks = p.stackPages(in.Offering.Stacks)
	k := achievementKey{in.Offering.ID, in.Offering.Version, in.Offering.Hash, in.Offering.Interim(),
		endorsementsDigest(in.Offering.Endorsements), stacksDigest(in.Offering.Stacks)}
	cacheable := in.Offering.Hash != "" && in.Issuer == p.Issuer && in.AchievementID == p.AchievementURL(in.Offering.ID, in.Offering.Version)
	if cacheable {
		p.mu.Lock()
		b, ok := p.achievements[k]
		p.mu.Unlock()
		if ok {
			return b, nil
		}
	}
	a, err := Achievement(in.Issuer, in.AchievementID, in.Offering)
	if err != nil {
		return builtAchievement{}, err
	}
	raw, err := a.MarshalJSON()
	if err != nil {
		return builtAchievement{}, fmt.Errorf("encode achievement: %w", err)
	}
	if raw, err = withEndorsements(raw, in.Offering.Endorsements); err != nil {
		return builtAchievement{}, err
	}
	issuer, err := issuerRef(in.Issuer).MarshalJSON()
	if err != nil {
		return builtAchievement{}, fmt.Errorf("encode issuer: %w", err)
	}
	b := builtAchievement{a: a, raw: raw, issuer: issuer}
	if cacheable {
		p.mu.Lock()
		if p.achievements == nil || len(p.achievements) >= maxCachedAchievements {
			p.achievements = make(map[achievementKey]builtAchievement)
		}
		p.achievements[k] = b
		p.mu.Unlock()
	}
	return b, nil
}

// stackPages returns stacks with the registry pages given as paths made
// absolute under the pipeline's BaseURL; stacks itself, which a batch
// shares between goroutines, is left as it is.
func (p *Pipeline) stackPages(stacks []Stack) []Stack {
	if len(stacks) == 0 {
		return stacks
	}
	out := make([]Stack, len(stacks))
	for i, s := range stacks {
		if strings.HasPrefix(s.Page, "/") && !strings.HasPrefix(s.Page, "//") {
			s.Page = strings.TrimSuffix(p.BaseURL, "/") + s.Page
		}
		out[i] = s
	}
	return out
}

// stacksDigest names a list of stacks in the achievement cache: "" for
// none, else the SHA-256 of their names and pages.
func stacksDigest(stacks []Stack) string {
	if len(stacks) == 0 {
		return ""
	}
	h := sha256.New()
	for _, s := range stacks {
		fmt.Fprintf(h, "%d:%s%d:%s", len(s.Name), s.Name, len(s.Page), s.Page)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sign secures doc in the pipeline's format.
func (p *Pipeline) sign(doc []byte) (Signed, error) {
	out := Signed{JSON: doc}
	if p.Format.di() {
		signed, err := p.DI.Sign(doc, p.Signer, proof.SignOptions{VerificationMethod: p.VerificationMethod, Created: p.now()})
		if err != nil {
			return Signed{}, fmt.Errorf("sign credential: %w", err)
		}
		out.JSON = signed
	}
	if p.Format.jwt() {
		tok, err := p.JWT.Sign(doc, p.Signer, p.VerificationMethod)
		if err != nil {
			return Signed{}, fmt.Errorf("sign credential: %w", err)
		}
		out.JWT = tok
	}
	return out, nil
}

// SignStatusList signs a status list credential (from status.ListCredential):
// with Data Integrity when the key is Ed25519, else as a JWT, whatever the
// format of the credentials, since a verifier reads either.
func (p *Pipeline) SignStatusList(vc map[string]any) ([]byte, error) {
	doc, err := json.Marshal(vc)
	if err != nil {
		return nil, fmt.Errorf("encode status list: %w", err)
	}
	if _, ok := p.Signer.Public().(ed25519.PublicKey); ok && p.DI.Canon != nil {
		signed, err := p.DI.Sign(doc, p.Signer, proof.SignOptions{VerificationMethod: p.VerificationMethod, Created: p.now()})
		if err != nil {
			return nil, fmt.Errorf("sign status list: %w", err)
		}
		return signed, nil
	}
	tok, err := p.JWT.Sign(doc, p.Signer, p.VerificationMethod)
	if err != nil {
		return nil, fmt.Errorf("sign status list: %w", err)
	}
	return []byte(tok), nil
}

func (p *Pipeline) now() time.Time {
	if p.Clock != nil {
		return p.Clock()
	}
	return time.Now()
}

// WalletURL is where learners find their awards: BASE/wallet.
func (p *Pipeline) WalletURL() string { return strings.TrimSuffix(p.BaseURL, "/") + "/wallet" }

// Notice returns the email telling a learner of a new award of o.
func (p *Pipeline) Notice(learnerName string, o Offering) (subject, body string) {
	return Notice(p.Issuer.Name, p.WalletURL(), learnerName, o)
}
