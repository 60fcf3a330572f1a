package issuer

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/keys"
	"cairn/internal/proof"
	"cairn/internal/sqlstore"
)

// Method is how an identity's DID is made.
type Method string

// The identity methods.
const (
	// MethodKey: the DID is the signing key's did:key; a rotation gives a
	// new DID.
	MethodKey Method = sqlstore.IssuerMethodKey
	// MethodWeb: did:web:HOST:institutions:SLUG, served by cairn; the DID
	// stays the same across rotations.
	MethodWeb Method = sqlstore.IssuerMethodWeb
)

// ParseMethod reads an identity method: did:key or did:web.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case MethodKey, MethodWeb:
		return m, nil
	}
	return "", apperror.Field("method", "must be did:key or did:web, not %q", s)
}

// Config configures a Service.
type Config struct {
	// BaseURL is cairn's public URL: did:web DIDs, achievement and status
	// list URLs are made from it. did:web needs an https URL.
	BaseURL string
	// KEK is the key-encryption key, KEKSize bytes (see LoadKEK); KEKFile
	// names where it came from, for error messages.
	KEK     []byte
	KEKFile string
	// Clock stamps proofs; nil means time.Now.
	Clock func() time.Time
	// Logger receives notices such as a did:key fallback; nil discards.
	Logger *slog.Logger
	// DI signs Data Integrity proofs; its zero value gets a canonicalizer
	// over the embedded contexts.
	DI  proof.DataIntegrity
	JWT proof.JWT
	// CacheTTL is how long a built pipeline is reused before the identity
	// is read again (so a rotation by another process takes effect); 0
	// means one minute.
	CacheTTL time.Duration
}

// Settings are what a new identity is created with.
type Settings struct {
	// Method is did:key or did:web; empty means did:web when the base URL
	// is https, else did:key.
	Method Method
	// Format is the proof format; empty means di.
	Format award.Format
	// KeyType is the key type; empty means Ed25519.
	KeyType keys.Type
}

// Identity is an institution's issuing identity, without key material.
type Identity struct {
	InstitutionID int64
	Slug          string
	Name          string
	Method        Method
	DID           string
	Format        award.Format
	// VerificationMethod is the DID URL of the key that signs now.
	VerificationMethod string
	Keys               []Key
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Key is one of an identity's keys, public parts only.
type Key struct {
	ID                 int64
	DID                string
	VerificationMethod string
	Type               keys.Type
	CreatedAt          time.Time
	RetiredAt          time.Time
	DestroyedAt        time.Time
}

// Service gives institutions their issuing identities. It is safe for
// concurrent use.
type Service struct {
	store  *sqlstore.Store
	cfg    Config
	seal   *sealer
	log    *slog.Logger
	create sync.Mutex // one identity created at a time in this process

	mu      sync.Mutex
	current map[int64]cachedPipeline // by institution: the signing key's
	byKey   map[int64]*award.Pipeline
}

type cachedPipeline struct {
	p  *award.Pipeline
	at time.Time
}

// maxCached bounds the pipelines of retired keys kept built.
const maxCached = 1000

// New returns a Service over the store.
func New(store *sqlstore.Store, cfg Config) (*Service, error) {
	if store == nil {
		return nil, errors.New("issuer: no store")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("issuer: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	seal, err := newSealer(cfg.KEK, cfg.KEKFile)
	if err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DI.Canon == nil {
		cfg.DI = proof.DataIntegrity{Canon: proof.RDFC{LD: jsonld.NewProcessor(contexts.New())}}
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = time.Minute
	}
	return &Service{store: store, cfg: cfg, seal: seal, log: cfg.Logger,
		current: map[int64]cachedPipeline{}, byKey: map[int64]*award.Pipeline{}}, nil
}

// CheckKEK reports stored keys that the service's key-encryption key did
// not seal: a server started with the wrong key file says so at once,
// naming the file, instead of failing at the first award.
func (s *Service) CheckKEK(ctx context.Context) error {
	ids, err := s.store.IssuerKEKIDs(ctx)
	if err != nil {
		return fmt.Errorf("check key-encryption key: %w", err)
	}
	for _, id := range ids {
		if id != s.seal.id {
			return fmt.Errorf("the issuing keys in the database were sealed with another key-encryption key (id %s) than the one in %s (id %s): start cairn with the key file they were sealed with",
				id, s.seal.file, s.seal.id)
		}
	}
	return nil
}

func identityOf(id sqlstore.IssuerIdentity) Identity {
	out := Identity{InstitutionID: id.InstitutionID, Slug: id.Slug, Name: id.Name, Method: Method(id.Method), DID: id.DID,
		Format: id.Format, CreatedAt: id.CreatedAt, UpdatedAt: id.UpdatedAt}
	for _, k := range id.Keys {
		out.Keys = append(out.Keys, Key{ID: k.ID, DID: k.DID, VerificationMethod: k.VerificationMethod, Type: keys.Type(k.Type),
			CreatedAt: k.CreatedAt, RetiredAt: k.RetiredAt, DestroyedAt: k.DestroyedAt})
	}
	if k, ok := id.SigningKey(); ok {
		out.VerificationMethod = k.VerificationMethod
	}
	return out
}

// Identity returns the institution's identity; NotFound when it has none.
func (s *Service) Identity(ctx context.Context, institutionID int64) (Identity, error) {
	id, err := s.store.IssuerIdentity(ctx, institutionID)
	if err != nil {
		return Identity{}, err
	}
	return identityOf(id), nil
}

// Ensure returns the institution's identity, creating it with settings
// when it has none (an existing identity is returned as it is). A did:web
// asked for under an http base URL falls back to did:key, saying so in
// the log, since did:web resolves over HTTPS only.
func (s *Service) Ensure(ctx context.Context, institutionID int64, settings Settings) (Identity, error) {
	id, err := s.store.IssuerIdentity(ctx, institutionID)
	if err == nil {
		return identityOf(id), nil
	}
	if apperror.CodeOf(err) != apperror.NotFound {
		return Identity{}, err
	}
	s.create.Lock()
	defer s.create.Unlock()
	if id, err := s.store.IssuerIdentity(ctx, institutionID); err == nil {
		return identityOf(id), nil
	}
	inst, err := s.store.Institution(ctx, institutionID)
	if err != nil {
		return Identity{}, err
	}
	if settings.Format == "" {
		settings.Format = award.FormatDI
	}
	if _, err := award.ParseFormat(string(settings.Format)); err != nil {
		return Identity{}, err
	}
	if settings.Method == "" {
		settings.Method = MethodWeb
		if !strings.HasPrefix(s.cfg.BaseURL, "https://") {
			settings.Method = MethodKey
		}
	}
	if _, err := ParseMethod(string(settings.Method)); err != nil {
		return Identity{}, err
	}
	webDID := ""
	if settings.Method == MethodWeb {
		webDID, err = WebDID(s.cfg.BaseURL, inst.Slug)
		if err != nil {
			s.log.WarnContext(ctx, "did:web is not possible under this base URL; the institution issues as did:key",
				"institution", inst.Slug, "base_url", s.cfg.BaseURL, "reason", err.Error())
			settings.Method = MethodKey
		}
	}
	if err := checkFormatKey(settings.Format, settings.KeyType); err != nil {
		return Identity{}, err
	}
	k, row, err := s.newKey(settings.Method, webDID, settings.KeyType)
	if err != nil {
		return Identity{}, err
	}
	created, err := s.store.CreateIssuerIdentity(ctx, sqlstore.IssuerIdentity{InstitutionID: institutionID,
		Method: string(settings.Method), DID: row.DID, Format: settings.Format}, row, 0)
	if apperror.CodeOf(err) == apperror.Conflict {
		// Another cairn process created it meanwhile.
		return s.Identity(ctx, institutionID)
	}
	if err != nil {
		return Identity{}, err
	}
	s.log.InfoContext(ctx, "issuing identity created", "institution", inst.Slug, "did", row.DID,
		"verification_method", row.VerificationMethod, "key_type", string(k.Type()), "format", string(settings.Format))
	return identityOf(created), nil
}

// checkFormatKey refuses a Data Integrity format with a key other than
// Ed25519: eddsa-rdfc-2022 signs with Ed25519 only.
func checkFormatKey(f award.Format, t keys.Type) error {
	if (f == award.FormatDI || f == award.FormatBoth) && t != "" && t != keys.Ed25519 {
		return apperror.Field("proof_format", "Data Integrity (eddsa-rdfc-2022) needs an Ed25519 key, not %s; use jwt", t)
	}
	return nil
}

// newKey generates a key and returns it with its sealed row, for method
// (webDID is the DID of a did:web identity).
func (s *Service) newKey(method Method, webDID string, typ keys.Type) (*keys.Key, sqlstore.IssuerKey, error) {
	k, err := keys.Generate(typ)
	if err != nil {
		return nil, sqlstore.IssuerKey{}, apperror.Field("key_type", "%v", err)
	}
	row := sqlstore.IssuerKey{Type: string(k.Type()), KEKID: s.seal.id}
	switch method {
	case MethodKey:
		d, err := did.KeyDID(k.Public())
		if err != nil {
			return nil, row, apperror.Field("key_type", "did:key needs an Ed25519 or P-256 key, not %s", k.Type())
		}
		row.DID, row.VerificationMethod = d, d+"#"+strings.TrimPrefix(d, "did:key:")
	default:
		row.DID, row.VerificationMethod = webDID, webDID+"#"+k.KID()
	}
	pub, err := keys.PublicJWK(k.Public())
	if err != nil {
		return nil, row, err
	}
	pubJSON, err := json.Marshal(pub)
	if err != nil {
		return nil, row, err
	}
	row.PublicJWK = string(pubJSON)
	priv, err := keys.MarshalPrivateJWK(k)
	if err != nil {
		return nil, row, err
	}
	row.Sealed, err = s.seal.seal(priv, row.VerificationMethod)
	clear(priv)
	if err != nil {
		return nil, row, err
	}
	return k, row, nil
}

// Rotate gives the institution a new signing key of the same type as the
// current one and retires the current one from signing, on behalf of the
// person by. A did:web identity keeps its DID and lists both keys; a
// did:key identity gets the new key's DID.
func (s *Service) Rotate(ctx context.Context, institutionID, by int64) (Identity, error) {
	id, err := s.store.IssuerIdentity(ctx, institutionID)
	if err != nil {
		return Identity{}, err
	}
	typ := keys.Ed25519
	if cur, ok := id.SigningKey(); ok {
		typ = keys.Type(cur.Type)
	}
	_, row, err := s.newKey(Method(id.Method), id.DID, typ)
	if err != nil {
		return Identity{}, err
	}
	rotated, err := s.store.RotateIssuerKey(ctx, institutionID, row, by)
	if err != nil {
		return Identity{}, err
	}
	s.forget(institutionID)
	s.log.InfoContext(ctx, "issuing key rotated", "institution", rotated.Slug, "did", rotated.DID, "verification_method", row.VerificationMethod)
	return identityOf(rotated), nil
}

// SetFormat changes the proof format the institution issues in.
func (s *Service) SetFormat(ctx context.Context, institutionID int64, f award.Format, by int64) (Identity, error) {
	if _, err := award.ParseFormat(string(f)); err != nil {
		return Identity{}, err
	}
	id, err := s.store.IssuerIdentity(ctx, institutionID)
	if err != nil {
		return Identity{}, err
	}
	if cur, ok := id.SigningKey(); ok {
		if err := checkFormatKey(f, keys.Type(cur.Type)); err != nil {
			return Identity{}, err
		}
	}
	changed, err := s.store.SetIssuerFormat(ctx, institutionID, f, by)
	if err != nil {
		return Identity{}, err
	}
	s.forget(institutionID)
	return identityOf(changed), nil
}

// Destroy wipes a retired key: it no longer signs anything nor appears in
// the did:web document, so what it signed stops verifying.
func (s *Service) Destroy(ctx context.Context, institutionID, keyID, by int64) (Identity, error) {
	id, err := s.store.DestroyIssuerKey(ctx, institutionID, keyID, by)
	if err != nil {
		return Identity{}, err
	}
	s.forget(institutionID)
	s.mu.Lock()
	delete(s.byKey, keyID)
	s.mu.Unlock()
	return identityOf(id), nil
}

func (s *Service) forget(institutionID int64) {
	s.mu.Lock()
	delete(s.current, institutionID)
	s.mu.Unlock()
}

// Issuer returns what signs the institution's awards and status lists,
// creating its identity with the default settings on first use. It
// satisfies web.Issuers.
func (s *Service) Issuer(ctx context.Context, institutionID int64) (sqlstore.Issuer, error) {
	return s.Pipeline(ctx, institutionID)
}

// Pipeline returns the institution's award pipeline with its signing key,
// built once and reused for CacheTTL.
func (s *Service) Pipeline(ctx context.Context, institutionID int64) (*award.Pipeline, error) {
	now := time.Now()
	s.mu.Lock()
	c, ok := s.current[institutionID]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.cfg.CacheTTL {
		return c.p, nil
	}
	ident, err := s.Ensure(ctx, institutionID, Settings{})
	if err != nil {
		return nil, err
	}
	id, err := s.store.IssuerIdentity(ctx, ident.InstitutionID)
	if err != nil {
		return nil, err
	}
	k, ok := id.SigningKey()
	if !ok {
		return nil, fmt.Errorf("institution %s has no signing key", id.Slug)
	}
	p, err := s.pipeline(id, k, id.Format)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.current[institutionID] = cachedPipeline{p: p, at: now}
	s.mu.Unlock()
	return p, nil
}

// pipeline opens key k of identity id and builds a pipeline signing with
// it in format f.
func (s *Service) pipeline(id sqlstore.IssuerIdentity, k sqlstore.IssuerKey, f award.Format) (*award.Pipeline, error) {
	if !k.DestroyedAt.IsZero() {
		return nil, apperror.New(apperror.NotFound, "the key %s was destroyed", k.VerificationMethod)
	}
	plain, err := s.seal.open(k.Sealed, k.VerificationMethod, k.KEKID)
	if err != nil {
		return nil, err
	}
	key, err := keys.ParsePrivateJWK(plain)
	clear(plain)
	if err != nil {
		return nil, fmt.Errorf("issuer key %s: %w", k.VerificationMethod, err)
	}
	p := &award.Pipeline{
		Issuer:             award.Issuer{ID: k.DID, Name: id.Name},
		BaseURL:            s.cfg.BaseURL,
		Signer:             key.Signer(),
		VerificationMethod: k.VerificationMethod,
		Format:             f,
		DI:                 s.cfg.DI,
		JWT:                s.cfg.JWT,
		Clock:              s.cfg.Clock,
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("issuer %s: %w", id.Slug, err)
	}
	return p, nil
}

// ListSigner returns what signs the institution's status lists kept under
// issuerDID: the signing key's pipeline, or, for a did:key identity, the
// retired key whose DID it is (status lists of credentials issued before
// a rotation are still published and signed by the DID that issued them).
func (s *Service) ListSigner(ctx context.Context, institutionID int64, issuerDID string) (sqlstore.ListSigner, error) {
	p, err := s.Pipeline(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	if p.IssuerID() == issuerDID {
		return p, nil
	}
	id, err := s.store.IssuerIdentity(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	for i := len(id.Keys) - 1; i >= 0; i-- {
		k := id.Keys[i]
		if k.DID != issuerDID || !k.DestroyedAt.IsZero() {
			continue
		}
		s.mu.Lock()
		kp, ok := s.byKey[k.ID]
		s.mu.Unlock()
		if ok {
			return kp, nil
		}
		kp, err := s.pipeline(id, k, award.FormatDI)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if len(s.byKey) >= maxCached {
			clear(s.byKey)
		}
		s.byKey[k.ID] = kp
		s.mu.Unlock()
		return kp, nil
	}
	return nil, apperror.New(apperror.NotFound, "%s no longer has a key of %s", id.Slug, issuerDID)
}

// InstitutionByDID returns the institution that issues, or issued, as did.
func (s *Service) InstitutionByDID(ctx context.Context, issuerDID string) (int64, error) {
	id, err := s.store.IssuerIdentityByDID(ctx, issuerDID)
	if err != nil {
		return 0, err
	}
	return id.InstitutionID, nil
}

// DIDDocument returns the did:web document of the institution: every key
// not destroyed, the retired ones included, listed for assertion and
// authentication. NotFound when the institution has no identity or issues
// as did:key.
func (s *Service) DIDDocument(ctx context.Context, institutionID int64) (*did.Document, error) {
	id, err := s.store.IssuerIdentity(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	if id.Method != sqlstore.IssuerMethodWeb {
		return nil, apperror.New(apperror.NotFound, "%s issues as did:key, which has no document to serve", id.Slug)
	}
	var vks []did.VerificationKey
	for _, k := range id.Keys {
		if !k.DestroyedAt.IsZero() || k.DID != id.DID {
			continue
		}
		pub, err := keys.ParsePublicJWK([]byte(k.PublicJWK))
		if err != nil {
			return nil, fmt.Errorf("issuer key %s: %w", k.VerificationMethod, err)
		}
		vks = append(vks, did.VerificationKey{Fragment: strings.TrimPrefix(k.VerificationMethod, k.DID+"#"), Public: pub})
	}
	if len(vks) == 0 {
		return nil, apperror.New(apperror.NotFound, "%s has no key to publish", id.Slug)
	}
	return did.WebDocument(id.DID, vks)
}

// SignCredential adds the institution's Data Integrity proof
// (eddsa-rdfc-2022, assertionMethod) to a credential, whatever the
// institution's format setting: the VC API issues Data Integrity.
func (s *Service) SignCredential(ctx context.Context, institutionID int64, credential []byte) ([]byte, error) {
	p, err := s.Pipeline(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	if _, ok := p.Signer.Public().(ed25519.PublicKey); !ok {
		return nil, apperror.New(apperror.Conflict, "the institution's key is not Ed25519, so it cannot sign eddsa-rdfc-2022 proofs")
	}
	out, err := p.DI.Sign(credential, p.Signer, proof.SignOptions{VerificationMethod: p.VerificationMethod, Created: s.cfg.Clock()})
	if err != nil {
		return nil, apperror.New(apperror.Invalid, "the credential cannot be signed: %v", err)
	}
	return out, nil
}
