package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"cairn/internal/account"
	"cairn/internal/apperror"
	"cairn/internal/config"
	"cairn/internal/org"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

const institutionUsage = `usage: cairn institution add --slug SLUG --name NAME --jurisdiction CODE --timezone ZONE --profile PROFILE
                             --admin-email EMAIL --admin-name NAME [--password-stdin] [--operator] [--config FILE] [--data DIR] [--dsn DSN]
       cairn institution list [--config FILE] [--data DIR] [--dsn DSN]`

// cmdInstitution sets up the institutions of an installation: each one is
// a tenant with its own policy profile, calendar and people, and its first
// administrator, who does the rest in the web pages (Administration).
// Adding an institution is the operator's act, done where the server's
// configuration is, like creating its database, or by an installation
// operator in the web pages (Administration); both go through
// sqlstore.SetUpInstitution.
func cmdInstitution(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("%s", institutionUsage)
	}
	switch args[0] {
	case "add":
		return institutionAdd(ctx, e, args[1:])
	case "list":
		return institutionList(ctx, e, args[1:])
	}
	return usageError("%s", institutionUsage)
}

// maxPasswordLine bounds the password read from standard input.
const maxPasswordLine = 1024

func institutionAdd(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "institution add")
	var inst org.Institution
	var adminEmail, adminName string
	fs.StringVar(&inst.Slug, "slug", "", "short URL-safe `name`, e.g. kpu")
	fs.StringVar(&inst.Name, "name", "", "the institution's full `name`")
	fs.StringVar(&inst.Jurisdiction, "jurisdiction", "", "ISO 3166-2 `code` whose statutory holidays count, e.g. CA-BC or CA-YT")
	fs.StringVar(&inst.TimeZone, "timezone", "", "IANA time `zone` deadlines fall due in, e.g. America/Vancouver")
	fs.StringVar(&inst.PolicyProfile, "profile", "", "built-in policy `profile` ("+strings.Join(policy.Builtins(), ", ")+")")
	fs.StringVar(&adminEmail, "admin-email", "", "the first administrator's `email` address")
	fs.StringVar(&adminName, "admin-name", "", "the first administrator's `name`")
	passwordStdin := fs.Bool("password-stdin", false, "read the administrator's password from the first line of standard input")
	operator := fs.Bool("operator", false, "make the administrator an installation operator as well, who sets up further institutions on the web")
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("%s\nunexpected %q", institutionUsage, fs.Arg(0))
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"slug", inst.Slug}, {"name", inst.Name}, {"jurisdiction", inst.Jurisdiction},
		{"timezone", inst.TimeZone}, {"profile", inst.PolicyProfile}, {"admin-email", adminEmail}, {"admin-name", adminName}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, "--"+f.name)
		}
	}
	if len(missing) > 0 {
		return usageError("%s\nmissing: %s", institutionUsage, strings.Join(missing, ", "))
	}
	if !slices.Contains(policy.Builtins(), inst.PolicyProfile) {
		return usageError("--profile: %q is not a built-in policy profile; choose one of %s", inst.PolicyProfile, strings.Join(policy.Builtins(), ", "))
	}
	password := ""
	if *passwordStdin {
		line, err := bufio.NewReader(io.LimitReader(e.stdin, maxPasswordLine+1)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return exitError{code: 2, err: fmt.Errorf("read the password: %w", err)}
		}
		if len(line) > maxPasswordLine {
			return usageError("the password is longer than %d bytes", maxPasswordLine)
		}
		password = strings.TrimRight(line, "\r\n")
		if err := account.CheckPassword(password, adminEmail); err != nil {
			return exitError{code: 2, err: err}
		}
	}

	driver, dsn := cfg.Database()
	if driver == config.SQLite && !strings.HasPrefix(dsn, "file:") && dsn != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()

	// One transaction: a refused institution (its slug taken, say) leaves
	// no administrator behind.
	set, err := store.SetUpInstitution(ctx, sqlstore.InstitutionSetup{Institution: inst, AdminName: adminName, AdminEmail: adminEmail, Operator: *operator})
	if apperror.CodeOf(err) == apperror.Invalid {
		return exitError{code: 2, err: err}
	}
	if err != nil {
		return fmt.Errorf("add institution: %w", err)
	}
	inst, admin, newPerson := set.Institution, set.Admin, set.NewAdmin
	if password != "" {
		accounts, err := account.New(store, account.Config{})
		if err != nil {
			return err
		}
		if err := accounts.SetPassword(ctx, admin.ID, password); err != nil {
			return fmt.Errorf("set the password: %w", err)
		}
	}
	fmt.Fprintf(e.stdout, "added %s (%s), policy profile %s, with %s <%s> as its administrator\n", inst.Name, inst.Slug, inst.PolicyProfile, admin.Name, admin.Email)
	if *operator {
		fmt.Fprintf(e.stdout, "%s is an installation operator: they can add institutions at /admin/institutions/new\n", admin.Email)
	}
	if password == "" && newPerson {
		fmt.Fprintln(e.stdout, "no password was set: run again with --password-stdin, or sign in by emailed link once a mail relay is configured")
	}
	return nil
}

func institutionList(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "institution list")
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("%s\nunexpected %q", institutionUsage, fs.Arg(0))
	}
	store, err := openConfiguredStore(ctx, cfg)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	defer store.Close()
	all, err := store.Institutions(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tPROFILE\tJURISDICTION\tISSUER")
	for _, i := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", i.Slug, i.Name, i.PolicyProfile, i.Jurisdiction, i.IssuerDID)
	}
	return tw.Flush()
}
