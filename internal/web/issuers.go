package web

import (
	"context"

	"cairn/internal/sqlstore"
)

// Issuers gives an institution's issuing identity: its DID, its signing
// key and the proof format it issues in, as the store signs awards and
// status lists with it. Package issuer implements it.
type Issuers interface {
	// Issuer returns what signs the institution's awards and status
	// lists, creating the institution's key on first use.
	Issuer(ctx context.Context, institutionID int64) (sqlstore.Issuer, error)
}
