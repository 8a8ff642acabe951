// Package cli implements the sslreseller commands. Logs and messages go to stderr; stdout carries
// only what a command is asked to print (a key, a list, a version).
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/platform/logging"
	"github.com/sslreseller/sslreseller/internal/tenant"
	"github.com/sslreseller/sslreseller/migrations"
)

const usage = `sslreseller: sell TLS certificates as a reseller.

Usage:
  sslreseller serve [--migrate]                   HTTP server and background workers
  sslreseller worker                              background workers only
  sslreseller migrate up | down N | version       database schema
  sslreseller tenant create --slug S --name N [--currency USD] [--host H]...
  sslreseller tenant list
  sslreseller user create --tenant S --email E --role owner|admin|support [--name N]   (password on stdin)
  sslreseller user create --operator --email E                                        (password on stdin)
  sslreseller user reset-password --tenant S --email E                                (password on stdin)
  sslreseller apikey create --tenant S --name N --scope billing|admin                 (prints the key once)
  sslreseller demo                                 seed the demo tenant once (used by make run)
  sslreseller simulate enom|hexonet|sectigo [--addr 127.0.0.1:PORT]   serve a provider simulator

Every command takes --config FILE (or SSLR_CONFIG); every key can be set as SSLR_<KEY>, see
configs/config.example.yaml.
`

// env is what a command runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configPath     string
}

// Run runs one command and returns the exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	var err error
	switch args[0] {
	case "serve":
		err = e.serve(args[1:], true)
	case "worker":
		err = e.serve(args[1:], false)
	case "migrate":
		err = e.migrate(args[1:])
	case "tenant":
		err = e.tenant(args[1:])
	case "user":
		err = e.user(args[1:])
	case "apikey":
		err = e.apikey(args[1:])
	case "demo":
		err = e.demo(args[1:])
	case "simulate":
		err = e.simulate(args[1:])
	default:
		fmt.Fprintf(stderr, "sslreseller: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "sslreseller: %s\n", ue)
			return 2
		}
		fmt.Fprintf(stderr, "sslreseller: %s\n", message(err))
		return 1
	}
	return 0
}

type usageError string

func (u usageError) Error() string { return string(u) }

// message shows field errors plainly.
func message(err error) string {
	if e, ok := errs.As(err); ok && e.Code != errs.Internal {
		if len(e.Fields) > 0 {
			parts := make([]string, len(e.Fields))
			for i, f := range e.Fields {
				parts[i] = f.Field + ": " + f.Detail
			}
			return strings.Join(parts, "; ")
		}
		return e.Message
	}
	return err.Error()
}

func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.configPath, "config", "", "configuration file (YAML)")
	return fs
}

func (e *env) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	return nil
}

func (e *env) load() (*config.Config, *zap.Logger, error) {
	cfg, err := config.Load(config.FromEnvOrFile(e.configPath))
	if err != nil {
		return nil, nil, err
	}
	log, err := logging.NewTo(e.stderr, cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		return nil, nil, err
	}
	return cfg, log, nil
}

func (e *env) serve(args []string, http bool) error {
	name := "worker"
	if http {
		name = "serve"
	}
	fs := e.flags(name)
	autoMigrate := fs.Bool("migrate", false, "apply pending migrations before starting")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, log, err := e.load()
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	log.Info("configuration", zap.Any("config", cfg.Masked()))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *autoMigrate {
		if err := migrateUp(cfg); err != nil {
			return err
		}
	}
	a, err := app.New(ctx, cfg, log, app.Options{Workers: true})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.CheckSchema(ctx); err != nil {
		return err
	}
	if !http {
		log.Info("worker started")
		return a.Work(ctx)
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http.addr %s: %w", cfg.HTTP.Addr, err)
	}
	return a.Serve(ctx, ln)
}

func migrateUp(cfg *config.Config) error {
	if err := cfg.RequireDatabase(); err != nil {
		return err
	}
	m, err := db.NewMigrator(migrations.FS, cfg.Database.MigrateURL)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

func (e *env) migrate(args []string) error {
	if len(args) == 0 {
		return usageError("migrate needs up, down N or version")
	}
	fs := e.flags("migrate " + args[0])
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, _, err := e.load()
	if err != nil {
		return err
	}
	if err := cfg.RequireDatabase(); err != nil {
		return err
	}
	m, err := db.NewMigrator(migrations.FS, cfg.Database.MigrateURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		if err := m.Up(); err != nil {
			return err
		}
		v, _, _, err := m.Version()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "schema is at version %d\n", v)
		return nil
	case "down":
		if fs.NArg() != 1 {
			return usageError("migrate down needs N, the number of migrations to roll back")
		}
		n, err := strconv.Atoi(fs.Arg(0))
		if err != nil || n < 1 {
			return usageError("migrate down N: N must be a positive whole number")
		}
		return m.Down(n)
	case "version":
		v, dirty, latest, err := m.Version()
		if err != nil {
			return err
		}
		state := "current"
		switch {
		case dirty:
			state = "dirty"
		case v < latest:
			state = fmt.Sprintf("behind (latest %d)", latest)
		}
		fmt.Fprintf(e.stdout, "%d %s\n", v, state)
		return nil
	default:
		return usageError("migrate needs up, down N or version")
	}
}

// open builds the app without workers for the administration commands.
func (e *env) open(ctx context.Context) (*app.App, error) {
	cfg, log, err := e.load()
	if err != nil {
		return nil, err
	}
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return nil, err
	}
	if err := a.CheckSchema(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func cliContext() context.Context {
	u := os.Getenv("USER")
	if u == "" {
		u = "cli"
	}
	return audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: u})
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func (e *env) tenant(args []string) error {
	if len(args) == 0 {
		return usageError("tenant needs create or list")
	}
	fs := e.flags("tenant " + args[0])
	ctx := cliContext()
	switch args[0] {
	case "create":
		slug := fs.String("slug", "", "URL name of the tenant (/t/SLUG)")
		name := fs.String("name", "", "business name")
		currency := fs.String("currency", "USD", "default currency (ISO 4217)")
		var hosts multi
		fs.Var(&hosts, "host", "host name serving this tenant (repeatable)")
		if err := e.parse(fs, args[1:]); err != nil {
			return err
		}
		if *slug == "" || *name == "" {
			return usageError("tenant create needs --slug and --name")
		}
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		t, err := a.Tenants.Create(ctx, tenant.CreateInput{Slug: *slug, Name: *name, Currency: *currency, HostNames: hosts})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", t.ID, t.Slug)
		return nil
	case "list":
		if err := e.parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		ts, err := a.Tenants.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSLUG\tNAME\tCURRENCY\tSTATUS\tHOSTS")
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Slug, t.Name, t.DefaultCurrency, t.Status, strings.Join(t.HostNames, ","))
		}
		return tw.Flush()
	default:
		return usageError("tenant needs create or list")
	}
}

// readPassword reads one line from stdin.
func (e *env) readPassword() (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError("the password is read from stdin: pipe or type it (one line)")
	}
	return pw, nil
}

func (e *env) user(args []string) error {
	if len(args) == 0 {
		return usageError("user needs create or reset-password")
	}
	fs := e.flags("user " + args[0])
	tenantSlug := fs.String("tenant", "", "tenant slug")
	email := fs.String("email", "", "e-mail address (the login)")
	ctx := cliContext()
	switch args[0] {
	case "create":
		role := fs.String("role", "", "owner, admin or support")
		name := fs.String("name", "", "display name")
		operator := fs.Bool("operator", false, "create a platform operator instead of tenant staff")
		if err := e.parse(fs, args[1:]); err != nil {
			return err
		}
		if *email == "" || (!*operator && (*tenantSlug == "" || *role == "")) {
			return usageError("user create needs --tenant, --email and --role (or --operator and --email)")
		}
		pw, err := e.readPassword()
		if err != nil {
			return err
		}
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		if *operator {
			op, err := a.Accounts.CreateOperator(ctx, *email, pw)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n", op.ID)
			return nil
		}
		t, err := a.Tenants.BySlug(ctx, *tenantSlug)
		if err != nil {
			return fmt.Errorf("tenant %q: %w", *tenantSlug, err)
		}
		u, err := a.Accounts.CreateUser(ctx, t.ID, account.UserInput{Email: *email, Name: *name, Role: *role, Password: pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", u.ID)
		return nil
	case "reset-password":
		if err := e.parse(fs, args[1:]); err != nil {
			return err
		}
		if *email == "" || *tenantSlug == "" {
			return usageError("user reset-password needs --tenant and --email")
		}
		pw, err := e.readPassword()
		if err != nil {
			return err
		}
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		t, err := a.Tenants.BySlug(ctx, *tenantSlug)
		if err != nil {
			return fmt.Errorf("tenant %q: %w", *tenantSlug, err)
		}
		if err := a.Accounts.ResetUserPassword(ctx, t.ID, *email, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "password changed for %s\n", *email)
		return nil
	default:
		return usageError("user needs create or reset-password")
	}
}

func (e *env) apikey(args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError("apikey needs create")
	}
	fs := e.flags("apikey create")
	tenantSlug := fs.String("tenant", "", "tenant slug")
	name := fs.String("name", "", "what the key is for, e.g. WHMCS")
	scope := fs.String("scope", "", "billing or admin")
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	if *tenantSlug == "" || *name == "" || *scope == "" {
		return usageError("apikey create needs --tenant, --name and --scope")
	}
	ctx := cliContext()
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := a.Tenants.BySlug(ctx, *tenantSlug)
	if err != nil {
		return fmt.Errorf("tenant %q: %w", *tenantSlug, err)
	}
	_, key, err := a.Accounts.CreateAPIKey(ctx, t.ID, *name, *scope)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, key)
	return nil
}
