package main

import (
	"context"
	"fmt"

	"cairn/internal/account"
	"cairn/internal/config"
	"cairn/internal/org"
	"cairn/internal/web"
)

// newSSO returns single sign-on with the configured OpenID provider, or
// nil when none is configured. base is the server's URL as it listens, for
// the default callback URL when no base URL is configured. The provider is
// asked for its endpoints and keys now, so a wrong issuer stops the server
// from starting rather than the first person from signing in.
func newSSO(ctx context.Context, cfg config.Config, base string, accounts *account.Service) (web.SSO, error) {
	if cfg.OIDCIssuer == "" {
		return nil, nil
	}
	o, err := account.NewOIDC(ctx, account.OIDCConfig{
		IssuerURL:     cfg.OIDCIssuer,
		ClientID:      cfg.OIDCClientID,
		ClientSecret:  account.Secret(cfg.OIDCClientSecret),
		RedirectURL:   cfg.OIDCRedirect(base),
		AllowedDomain: cfg.OIDCAllowedDomain,
	})
	if err != nil {
		return nil, fmt.Errorf("single sign-on: %w", err)
	}
	return webSSO{oidc: o, accounts: accounts}, nil
}

// webSSO is single sign-on as the web server asks for it.
type webSSO struct {
	oidc     *account.OIDC
	accounts *account.Service
}

func (s webSSO) AuthCodeURL(state, nonce, verifier string) string {
	return s.oidc.AuthCodeURLPKCE(state, nonce, verifier)
}

func (s webSSO) SignIn(ctx context.Context, code, nonce, verifier string) (org.Person, error) {
	claims, err := s.oidc.ExchangePKCE(ctx, code, nonce, verifier)
	if err != nil {
		return org.Person{}, err
	}
	return s.accounts.LinkOrFind(ctx, claims)
}
