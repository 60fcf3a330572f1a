package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/bake"
	"cairn/internal/ob"
	"cairn/internal/sqlstore"
)

// Export and import. A learner exports the whole wallet as one ZIP
// archive: each award's credential (JSON, and JWT when issued so), each
// imported credential as it was imported, and manifest.json describing
// them. A learner imports credentials earned elsewhere: Open Badges 3.0
// as JSON, JWT or a baked PNG or SVG image, verified with the server's
// verifier and refused unless verified; and Open Badges 2.0 assertions as
// JSON, stored as they are and marked unverified, since checking one
// would mean fetching its hosted parts from the network, which cairn does
// not do on a learner's behalf.

// exportManifest is the archive's manifest.json.
type exportManifest struct {
	Format     string           `json:"format"`
	ExportedAt time.Time        `json:"exportedAt"`
	Holder     exportHolder     `json:"holder"`
	Awards     []exportedAward  `json:"awards"`
	Imports    []exportedImport `json:"imports"`
}

type exportHolder struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type exportedAward struct {
	walletEntry
	Files []string `json:"files"`
}

type exportedImport struct {
	importEntry
	File string `json:"file"`
}

// exportFormat names the archive layout, for readers of the manifest.
const exportFormat = "cairn-wallet-export/1"

// walletArchive writes the actor's wallet as a ZIP archive.
func (s *Server) walletArchive(r *http.Request, a *actor) ([]byte, error) {
	ctx := r.Context()
	awards, err := s.store.AwardsForLearner(ctx, a.person.Email)
	if err != nil {
		return nil, err
	}
	shares, err := s.store.ActiveShares(ctx, a.person.ID)
	if err != nil {
		return nil, err
	}
	imports, err := s.store.Imports(ctx, a.person.ID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	m := exportManifest{Format: exportFormat, ExportedAt: now, Holder: exportHolder{a.person.Name, a.person.Email},
		Awards: []exportedAward{}, Imports: []exportedImport{}}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		_, err = f.Write(data)
		return err
	}
	for _, aw := range awards {
		e := exportedAward{walletEntry: s.walletEntry(r, aw, credentialOf(aw), shares)}
		base := "awards/" + strconv.FormatInt(aw.ID, 10) + "-" + fileSlug(e.Title)
		e.Files = append(e.Files, base+".json")
		if err := add(base+".json", aw.Credential); err != nil {
			return nil, err
		}
		if aw.JWT != "" {
			e.Files = append(e.Files, base+".jwt")
			if err := add(base+".jwt", []byte(aw.JWT)); err != nil {
				return nil, err
			}
		}
		m.Awards = append(m.Awards, e)
	}
	for _, im := range imports {
		ext := ".json"
		if !strings.HasPrefix(strings.TrimSpace(im.Content), "{") {
			ext = ".jwt"
		}
		e := exportedImport{importEntry: importEntryOf(im), File: "imported/" + strconv.FormatInt(im.ID, 10) + "-" + fileSlug(im.Title) + ext}
		if err := add(e.File, []byte(im.Content)); err != nil {
			return nil, err
		}
		m.Imports = append(m.Imports, e)
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export manifest: %w", err)
	}
	if err := add("manifest.json", manifest); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *Server) walletExport(w http.ResponseWriter, r *http.Request) error {
	data, err := s.walletArchive(r, actorOf(r.Context()))
	if err != nil {
		return err
	}
	download(w, "application/zip", "wallet-"+s.clock().UTC().Format("2006-01-02")+".zip", data)
	return nil
}

// errImport is a refused import, with the reasons.
func errImport(msg string, reasons ...string) error {
	err := apperror.Field("file", "%s", msg)
	if len(reasons) == 0 {
		return err
	}
	return detailedError{err: err, details: reasons}
}

// importCredential reads an uploaded credential, checks it as its format
// asks, and adds it to the actor's wallet.
func (s *Server) importCredential(ctx context.Context, a *actor, data []byte) (sqlstore.Import, error) {
	im := sqlstore.Import{PersonID: a.person.ID}
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return im, errImport("choose a file or paste a credential")
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		im.Source = "png"
		cred, err := bake.ExtractPNG(data)
		if err != nil {
			return im, bakeError("PNG", err)
		}
		data = bytes.TrimSpace(cred)
	case data[0] == '<':
		im.Source = "svg"
		cred, err := bake.ExtractSVG(data)
		if err != nil {
			return im, bakeError("SVG", err)
		}
		data = bytes.TrimSpace(cred)
	case data[0] == '{':
		im.Source = "json"
	default:
		im.Source = "jwt"
	}
	if len(data) > sqlstore.MaxImportBytes {
		return im, errImport(fmt.Sprintf("the credential is larger than the limit of %s", formatBytes(sqlstore.MaxImportBytes)))
	}
	if data[0] == '{' {
		if ob2, ok := openBadges2(data); ok {
			im.Format, im.Verified, im.Title, im.Issuer, im.IssuedAt = sqlstore.ImportOB2, false, ob2.title, ob2.issuer, ob2.issued
			im.Note = "Open Badges 2.0 assertion, kept as imported and NOT verified: checking it would mean fetching its issuer's hosted files from the network, which cairn does not do. Ask its issuer to confirm it."
			im.Content = string(data)
			return im, s.store.AddImport(ctx, &im)
		}
	}
	rep := s.verify(ctx, data)
	if !rep.Verified {
		reasons := rep.Errors
		if len(reasons) == 0 {
			reasons = []string{"the verifier could not confirm it"}
		}
		return im, errImport("the credential did not verify, so it was not imported", reasons...)
	}
	im.Format, im.Verified, im.Content = sqlstore.ImportOB3, true, string(data)
	im.Title, im.Issuer = rep.Name, partyText(rep.Issuer)
	if rep.Achievement.Name != "" {
		im.Title = rep.Achievement.Name
	}
	if rep.Validity.ValidFrom != nil {
		im.IssuedAt = *rep.Validity.ValidFrom
	}
	im.Note = "Open Badges 3.0 credential, verified when imported on " + s.clock().UTC().Format("2 Jan 2006") + ": every check passed. " +
		recipientNote(rep.Credential, a.person.Email)
	return im, s.store.AddImport(ctx, &im)
}

// bakeError explains an image that holds no readable credential.
func bakeError(kind string, err error) error {
	switch {
	case errors.Is(err, bake.ErrNotBaked):
		return errImport("the " + kind + " image holds no Open Badges 3.0 credential (an Open Badges 2.0 baked image holds only a link: import the assertion's JSON instead)")
	case errors.Is(err, bake.ErrTooLarge):
		return errImport("the " + kind + " image or its credential is too large")
	}
	return errImport("the " + kind + " image could not be read: " + truncate(err.Error(), 200))
}

// ob2Facts are what the wallet shows of an Open Badges 2.0 assertion.
type ob2Facts struct {
	title, issuer string
	issued        time.Time
}

// openBadges2 recognizes an Open Badges 2.0 assertion (its context, or
// type Assertion) and reads its badge name, issuer name and date when they
// are embedded; URLs stand in for parts that are only linked.
func openBadges2(data []byte) (ob2Facts, bool) {
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return ob2Facts{}, false
	}
	ctx, _ := doc["@context"].(string)
	typ, _ := doc["type"].(string)
	if !strings.Contains(ctx, "w3id.org/openbadges/v2") && !strings.EqualFold(typ, "Assertion") {
		return ob2Facts{}, false
	}
	f := ob2Facts{title: "Open Badges 2.0 badge", issuer: "unknown issuer"}
	switch b := doc["badge"].(type) {
	case string:
		f.title = b
	case map[string]any:
		if n, ok := b["name"].(string); ok && n != "" {
			f.title = n
		}
		switch is := b["issuer"].(type) {
		case string:
			f.issuer = is
		case map[string]any:
			if n, ok := is["name"].(string); ok && n != "" {
				f.issuer = n
			}
		}
	}
	if s, ok := doc["issuedOn"].(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			f.issued = t
		} else if t, err := time.Parse(time.DateOnly, s); err == nil {
			f.issued = t
		}
	}
	return f, true
}

// readImportForm returns the uploaded file, else the pasted text.
func readImportForm(r *http.Request) ([]byte, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, formError(err)
		}
		return []byte(r.PostForm.Get("text")), nil
	}
	data, _, err := readVerifyForm(r)
	return data, err
}

func (s *Server) walletImportPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	data, err := readImportForm(r)
	if err == nil {
		_, err = s.importCredential(r.Context(), a, data)
	}
	if err != nil {
		msg, ok := userError(err)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			msg, ok = fmt.Sprintf("The file is too large: the limit is %s.", formatBytes(s.cfg.MaxUploadBytes)), true
		}
		if !ok {
			return err
		}
		var de detailedError
		if errors.As(err, &de) {
			msg += ": " + strings.Join(de.details, "; ")
		}
		v, verr := s.walletView(r, a)
		if verr != nil {
			return verr
		}
		v.Error = msg
		s.render(w, r, http.StatusUnprocessableEntity, "wallet", "My wallet", v)
		return nil
	}
	http.Redirect(w, r, "/wallet?done=imported", http.StatusSeeOther)
	return nil
}

func (s *Server) walletDeleteImportPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteImport(r.Context(), actorOf(r.Context()).person.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/wallet?done=deleted", http.StatusSeeOther)
	return nil
}

// readUpload reads an API upload's whole body.
func readUpload(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, formError(err)
	}
	return data, nil
}

// recipientNote says whether a credential names the learner's address:
// a credential earned under another address is still imported, since a
// learner may have several, but the wallet says so.
func recipientNote(cred json.RawMessage, email string) string {
	var c ob.AchievementCredential
	if json.Unmarshal(cred, &c) != nil {
		return "Whom it was issued to could not be read."
	}
	emails := 0
	for _, id := range c.CredentialSubject.Identifier {
		if id.IdentityType != ob.IdentityEmail {
			continue
		}
		emails++
		if id.Matches(email) {
			return "It was issued to your email address."
		}
	}
	if emails > 0 {
		return "It was issued to another email address than " + email + "."
	}
	return "It names no email address of its holder."
}
