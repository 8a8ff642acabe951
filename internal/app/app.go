// Package app wires sslreseller together: configuration to pool, stores, HTTP server and River
// workers. serve runs both in one process, worker runs the workers alone.
package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"

	"github.com/sslreseller/sslreseller/api"
	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/httpapi"
	"github.com/sslreseller/sslreseller/internal/mail"
	"github.com/sslreseller/sslreseller/internal/notify"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/seal"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/tenant"
	"github.com/sslreseller/sslreseller/internal/webui"
	"github.com/sslreseller/sslreseller/migrations"
)

// App is the running service.
type App struct {
	Config    *config.Config
	Log       *zap.Logger
	DB        *db.DB
	System    *db.System
	Sealer    *seal.Sealer
	Tenants   *tenant.Store
	Accounts  *account.Store
	Registry  *provider.Registry
	Providers *provider.Store
	Catalog   *catalog.Store
	Orders    *order.Service
	Mail      *mail.Service
	Sessions  *scs.SessionManager
	River     *river.Client[pgx.Tx]
	Notify    *notify.Service
	store     *pgxstore.PostgresStore
}

// Options change how New builds the app.
type Options struct {
	// Workers starts River's job workers.
	Workers bool
	// Now is the clock (time.Now when nil); tests inject one.
	Now func() time.Time
}

// New connects to the database and builds every part.
func New(ctx context.Context, cfg *config.Config, log *zap.Logger, opts Options) (*App, error) {
	if err := cfg.RequireDatabase(); err != nil {
		return nil, err
	}
	if err := cfg.RequireCryptoKey(); err != nil {
		return nil, err
	}
	sealer, err := seal.New(cfg.Crypto.Key, cfg.Crypto.PreviousKeys...)
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.Database.URL, cfg.Database.MaxConns)
	if err != nil {
		return nil, err
	}
	a := &App{
		Config:  cfg,
		Log:     log,
		DB:      d,
		System:  db.NewSystem(d),
		Sealer:  sealer,
		Tenants: tenant.NewStore(d),
	}
	a.Accounts = account.NewStore(d, a.System, account.Hasher{MemoryKiB: cfg.Auth.Argon2MemoryKiB, Iterations: cfg.Auth.Argon2Iterations})
	a.Registry = registry()
	a.Providers = provider.NewStore(d, sealer, a.Registry, provider.StoreOptions{AllowCustomEndpoints: cfg.Providers.AllowCustomEndpoints, Now: opts.Now})
	a.Catalog = catalog.NewStore(d, a.Providers)
	rawKey, _ := base64.StdEncoding.DecodeString(cfg.Crypto.Key)
	a.Orders = order.NewService(order.Deps{DB: d, System: a.System, Providers: a.Providers, Catalog: a.Catalog,
		Accounts: a.Accounts, Tenants: a.Tenants, Sealer: sealer, Tokens: order.NewTokens(rawKey), Log: log, Now: opts.Now},
		order.Config{BaseURL: cfg.HTTP.BaseURL, FirstCheck: cfg.Poller.FirstCheck, InitialInterval: cfg.Poller.InitialInterval,
			MaxInterval: cfg.Poller.MaxInterval, MaxPendingAge: cfg.Poller.MaxPendingAge, SubmitLease: cfg.Poller.SubmitLease,
			ConfigureLinkTTL: cfg.Orders.ConfigureLinkTTL, ReissueBefore: cfg.Orders.ReissueBefore})
	a.Notify = notify.New(notify.Deps{DB: d, Sealer: sealer, Orders: a.Orders, Log: log, Now: opts.Now},
		notify.Config{AllowPrivateTargets: cfg.Webhooks.AllowPrivateTargets})

	a.Mail = mail.New(mail.Deps{DB: d, Orders: a.Orders, Tenants: a.Tenants, Accounts: a.Accounts, Catalog: a.Catalog, SMTP: cfg.SMTP, Sealer: sealer, Log: log})
	// Events (feed and webhooks) first, then e-mail: both in the transaction of the change.
	a.Orders.SetNotifier(order.Notifiers{a.Notify, a.Mail})

	// Expired sessions are deleted by the hourly cleanup job, not by a goroutine of the store.
	a.store = pgxstore.NewWithCleanupInterval(d.Pool, 0)
	sm := scs.New()
	sm.Store = a.store
	sm.Lifetime = cfg.Auth.SessionLifetime
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "sslr_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(cfg.HTTP.BaseURL, "https://")
	sm.Cookie.Path = "/"
	a.Sessions = sm

	rc, err := a.newRiver(opts.Workers)
	if err != nil {
		d.Close()
		return nil, err
	}
	a.River = rc
	a.Orders.SetRiver(rc)
	a.Mail.SetRiver(rc)
	a.Notify.SetRiver(rc)
	return a, nil
}

func (a *App) newRiver(work bool) (*river.Client[pgx.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &cleanupWorker{sys: a.System})
	river.AddWorker(workers, &catalog.SyncWorker{Store: a.Catalog})
	river.AddWorker(workers, &catalog.SyncAllWorker{System: a.System})
	river.AddWorker(workers, &order.SubmitWorker{Service: a.Orders})
	river.AddWorker(workers, &order.PollWorker{Service: a.Orders})
	river.AddWorker(workers, &order.SweepWorker{Service: a.Orders})
	river.AddWorker(workers, &mail.SendWorker{Service: a.Mail})
	river.AddWorker(workers, &mail.DigestWorker{Service: a.Mail, System: a.System, BaseURL: a.Config.HTTP.BaseURL})
	river.AddWorker(workers, &notify.DeliverWorker{Service: a.Notify})
	cfg := &river.Config{
		Logger:  slog.New(zapslog.NewHandler(a.Log.Core(), zapslog.WithName("river"))),
		Workers: workers,
	}
	if work {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: a.Config.Worker.Concurrency}}
		cfg.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return CleanupArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return catalog.SyncAllArgs{}, nil
			}, nil),
			river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return mail.DigestArgs{}, nil
			}, nil),
			river.NewPeriodicJob(river.PeriodicInterval(order.SweepInterval), func() (river.JobArgs, *river.InsertOpts) {
				return order.SweepArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true}),
		}
	}
	rc, err := river.NewClient(riverpgxv5.New(a.DB.Pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("river: %w", err)
	}
	return rc, nil
}

// CheckSchema refuses a schema that is behind the embedded migrations.
func (a *App) CheckSchema(ctx context.Context) error {
	v, dirty, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	latest, err := db.Latest(migrations.FS)
	if err != nil {
		return err
	}
	switch {
	case dirty:
		return fmt.Errorf("the database schema is dirty at version %d (a migration failed half-way): fix it, then run `sslreseller migrate up`", v)
	case v < int64(latest):
		return fmt.Errorf("the database schema is at version %d but this build needs %d: run `sslreseller migrate up` (or start with `serve --migrate`)", v, latest)
	case v > int64(latest):
		return fmt.Errorf("the database schema is at version %d, newer than this build (%d): run a newer sslreseller", v, latest)
	}
	return nil
}

// Handler is the whole HTTP surface.
func (a *App) Handler() http.Handler {
	apiHandler := httpapi.New(httpapi.Deps{
		DB: a.DB, Accounts: a.Accounts, Providers: a.Providers, Catalog: a.Catalog, Orders: a.Orders, Log: a.Log, OpenAPI: api.Spec, Notify: a.Notify,
		OnTenant: func(r *http.Request, id uuid.UUID) { setLogTenant(r, id) },
	})
	ui := webui.New(webui.Deps{
		Tenants: a.Tenants, Accounts: a.Accounts, Providers: a.Providers, Catalog: a.Catalog, Orders: a.Orders, Mail: a.Mail,
		Sessions: a.Sessions, Log: a.Log, Notify: a.Notify,
		BaseURL: a.Config.HTTP.BaseURL, LoginAttempts: a.Config.Auth.LoginAttempts, LoginWindow: a.Config.Auth.LoginWindow,
		OnTenant: func(r *http.Request, id uuid.UUID) { setLogTenant(r, id) },
	})
	return a.router(apiHandler.Routes(), ui.Routes())
}

// Serve runs the HTTP server (and the workers when started with them) until ctx ends.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	if err := a.startWorkers(ctx); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          zap.NewStdLog(a.Log.Named("http")),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("listening", zap.String("addr", ln.Addr().String()), zap.String("base_url", a.Config.HTTP.BaseURL))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.HTTP.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	a.stopWorkers(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Work runs only the workers until ctx ends.
func (a *App) Work(ctx context.Context) error {
	if err := a.startWorkers(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.HTTP.ShutdownTimeout)
	defer cancel()
	a.stopWorkers(sctx)
	return nil
}

func (a *App) startWorkers(ctx context.Context) error {
	if a.River == nil {
		return nil
	}
	if err := a.River.Start(context.WithoutCancel(ctx)); err != nil {
		if strings.Contains(err.Error(), "must be configured for a client to start working") {
			return nil // built without workers: an insert-only client
		}
		return fmt.Errorf("river: start: %w", err)
	}
	return nil
}

func (a *App) stopWorkers(ctx context.Context) {
	if a.River != nil {
		_ = a.River.Stop(ctx)
	}
}

// Close releases the pool and the session cleanup.
func (a *App) Close() {
	a.DB.Close()
}
