package main

import (
	"context"

	"cairn/internal/org"
	"cairn/internal/web"
)

// NewLoginLink and RedeemLoginLink let the server's wallet sign learners
// in by an emailed one-time link (web.LoginLinks).
func (a webAccounts) NewLoginLink(ctx context.Context, email string) (string, error) {
	return a.svc.NewLoginLink(ctx, email)
}

func (a webAccounts) RedeemLoginLink(ctx context.Context, token string) (org.Person, error) {
	return a.svc.RedeemLoginLink(ctx, token)
}

var _ web.LoginLinks = webAccounts{}
