package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"cairn/internal/config"
)

const operatorUsage = `usage: cairn operator grant EMAIL [--config FILE] [--data DIR] [--dsn DSN]
       cairn operator revoke EMAIL [--config FILE] [--data DIR] [--dsn DSN]
       cairn operator list [--config FILE] [--data DIR] [--dsn DSN]`

// cmdOperator names the installation operators: people who run the
// installation, above its institutions, and set up new institutions with
// their first administrator in the web pages (Administration). Being an
// operator grants no role inside any institution. The first operator is
// made here, or with cairn institution add --operator.
func cmdOperator(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("%s", operatorUsage)
	}
	switch args[0] {
	case "grant", "revoke":
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return usageError("%s\nmissing: EMAIL", operatorUsage)
		}
		return operatorChange(ctx, e, args[0] == "revoke", args[1], args[2:])
	case "list":
		return operatorList(ctx, e, args[1:])
	}
	return usageError("%s", operatorUsage)
}

// loadOperatorConfig reads the settings that find the database.
func loadOperatorConfig(e env, name string, args []string) (config.Config, error) {
	fs := newFlagSet(e, "operator "+name)
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, usageError("%s\nunexpected %q", operatorUsage, fs.Arg(0))
	}
	return cfg, nil
}

func operatorChange(ctx context.Context, e env, revoke bool, email string, args []string) error {
	name := "grant"
	if revoke {
		name = "revoke"
	}
	cfg, err := loadOperatorConfig(e, name, args)
	if err != nil {
		return err
	}
	store, err := openConfiguredStore(ctx, cfg)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	defer store.Close()
	p, err := store.PersonByEmail(ctx, email)
	if err != nil {
		return exitError{code: 2, err: fmt.Errorf("%s: no such person; add them at an institution first: %w", email, err)}
	}
	if revoke {
		if err := store.RevokeOperator(ctx, p.ID, 0); err != nil {
			return fmt.Errorf("revoke: %s: %w", p.Email, err)
		}
		fmt.Fprintf(e.stdout, "%s <%s> is no longer an installation operator\n", p.Name, p.Email)
		return nil
	}
	if err := store.GrantOperator(ctx, p.ID, 0); err != nil {
		return fmt.Errorf("grant: %s: %w", p.Email, err)
	}
	fmt.Fprintf(e.stdout, "%s <%s> is an installation operator: they can add institutions at /admin/institutions/new\n", p.Name, p.Email)
	return nil
}

func operatorList(ctx context.Context, e env, args []string) error {
	cfg, err := loadOperatorConfig(e, "list", args)
	if err != nil {
		return err
	}
	store, err := openConfiguredStore(ctx, cfg)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	defer store.Close()
	ops, err := store.Operators(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME")
	for _, p := range ops {
		fmt.Fprintf(tw, "%s\t%s\n", p.Email, p.Name)
	}
	return tw.Flush()
}
