package main

import (
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/proof"
	"cairn/internal/verify"
)

// engine is the credential engine wired together: embedded contexts, the
// JSON-LD processor, the proof suites, DID resolution and the verifier.
type engine struct {
	ld       *jsonld.Processor
	di       proof.DataIntegrity
	jwt      proof.JWT
	resolver *did.Resolver
	verifier *verify.Verifier
}

func newEngine(fetcher did.Fetcher, statuses verify.StatusFetcher) *engine {
	ld := jsonld.NewProcessor(contexts.New())
	e := &engine{
		ld:       ld,
		di:       proof.DataIntegrity{Canon: proof.RDFC{LD: ld}},
		resolver: did.NewResolver(did.ResolverConfig{Fetcher: fetcher}),
	}
	e.verifier = &verify.Verifier{DI: e.di, JWT: e.jwt, Keys: e.resolver, Statuses: statuses}
	return e
}
