package proof

import (
	"fmt"

	"cairn/internal/jsonld"
	"cairn/internal/rdfc"
)

// RDFC canonicalizes JSON-LD documents as eddsa-rdfc-2022 requires: JSON-LD
// to RDF in safe mode (data that would be dropped is an error), then
// RDFC-1.0 with SHA-256.
type RDFC struct {
	LD     *jsonld.Processor
	Limits jsonld.Limits
	Canon  rdfc.Options
}

// Canonicalize returns the canonical N-Quads of doc.
func (c RDFC) Canonicalize(doc any) ([]byte, error) {
	quads, err := c.LD.ToRDF(doc, jsonld.Options{SafeMode: true, Limits: c.Limits})
	if err != nil {
		return nil, fmt.Errorf("JSON-LD to RDF: %w", err)
	}
	res, err := rdfc.Canonicalize(quads, c.Canon)
	if err != nil {
		return nil, fmt.Errorf("RDFC-1.0: %w", err)
	}
	return res.NQuads(), nil
}
