package contexts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// URLs of the embedded contexts.
const (
	CredentialsV2       = "https://www.w3.org/ns/credentials/v2"
	CredentialsV1       = "https://www.w3.org/2018/credentials/v1"
	OpenBadgesV3        = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	OpenBadgesExtension = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	DataIntegrityV2     = "https://w3id.org/security/data-integrity/v2"
	StatusListV1        = "https://www.w3.org/ns/credentials/status/v1"
	MultikeyV1          = "https://w3id.org/security/multikey/v1"
)

// ErrUnknownContext is returned by LoadDocument for a URL that is not
// embedded.
var ErrUnknownContext = errors.New("unknown JSON-LD context")

//go:embed manifest.json files/*.jsonld
var embedded embed.FS

// Entry is one context as recorded in manifest.json.
type Entry struct {
	URL       string `json:"url"`
	Package   string `json:"package"`
	Version   string `json:"version"`
	Integrity string `json:"integrity"`
	Source    string `json:"source"`
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
}

type manifest struct {
	GeneratedBy string  `json:"generatedBy"`
	Contexts    []Entry `json:"contexts"`
}

// Loader serves the embedded contexts. It satisfies the document loader
// interface of the JSON-LD processor. A Loader is safe for concurrent use.
type Loader struct {
	entries []Entry
	docs    map[string]any
	err     error // set when the embedded data is unusable, a build defect
}

// New returns a Loader with every embedded context decoded once. The
// embedded files are checked against the manifest's SHA-256 here; a mismatch
// makes every LoadDocument fail rather than serve an unreviewed context.
func New() *Loader {
	return newLoader(embedded)
}

func newLoader(fsys fs.FS) *Loader {
	l := &Loader{docs: make(map[string]any)}
	if err := l.load(fsys); err != nil {
		l.err = fmt.Errorf("embedded contexts: %w", err)
	}
	return l
}

func (l *Loader) load(fsys fs.FS) error {
	raw, err := fs.ReadFile(fsys, "manifest.json")
	if err != nil {
		return err
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("manifest.json: %w", err)
	}
	for _, e := range m.Contexts {
		if _, dup := l.docs[e.URL]; dup {
			return fmt.Errorf("manifest.json: %s listed twice", e.URL)
		}
		data, err := fs.ReadFile(fsys, path.Clean(e.File))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != e.SHA256 {
			return fmt.Errorf("%s: sha256 %s, manifest says %s", e.File, got, e.SHA256)
		}
		doc, err := decode(data)
		if err != nil {
			return fmt.Errorf("%s: %w", e.File, err)
		}
		l.docs[e.URL] = doc
	}
	l.entries = m.Contexts
	return nil
}

// decode reads one JSON value, keeping numbers as json.Number so that
// values such as "@version": 1.1 pass through unchanged.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON document")
	}
	return doc, nil
}

// LoadDocument returns the decoded context document for url, with or without
// a fragment. The value is shared between callers and must not be modified.
// A URL that is not embedded gives an error wrapping ErrUnknownContext.
func (l *Loader) LoadDocument(url string) (any, error) {
	if l.err != nil {
		return nil, l.err
	}
	key, _, _ := strings.Cut(url, "#")
	doc, ok := l.docs[key]
	if !ok {
		return nil, fmt.Errorf("%w %q: contexts are embedded in cairn and never fetched from the network", ErrUnknownContext, url)
	}
	return doc, nil
}

// URLs returns the URLs of the embedded contexts, sorted.
func (l *Loader) URLs() []string {
	urls := make([]string, 0, len(l.entries))
	for _, e := range l.entries {
		urls = append(urls, e.URL)
	}
	slices.Sort(urls)
	return urls
}

// Entries returns the manifest record of each embedded context, in manifest
// order: where it came from and the SHA-256 of the embedded file.
func (l *Loader) Entries() []Entry {
	return slices.Clone(l.entries)
}
