package webui

import (
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/mail"
	"github.com/sslreseller/sslreseller/internal/notify"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/tenant"
	"github.com/sslreseller/sslreseller/web"
)

// Deps are what the pages need.
type Deps struct {
	Tenants   *tenant.Store
	Accounts  *account.Store
	Providers *provider.Store
	Catalog   *catalog.Store
	Orders    *order.Service
	Mail      *mail.Service
	// Sessions keeps sign-in state; Routes wraps every page in its LoadAndSave.
	Sessions *scs.SessionManager
	Log      *zap.Logger
	// BaseURL is the service's public URL, shown where staff need the API's address.
	BaseURL string
	// LoginAttempts failed sign-ins per remote address and e-mail are allowed within LoginWindow;
	// further attempts are answered 429 until the window has passed.
	LoginAttempts int
	LoginWindow   time.Duration
	// OnTenant is told the tenant of a request (for the access log).
	OnTenant func(r *http.Request, tenantID uuid.UUID)
	Notify   *notify.Service
}

// UI serves the pages.
type UI struct {
	d       Deps
	pages   map[string]*template.Template
	static  fs.FS
	assets  map[string]string // static file path -> short content hash, for cache busting and ETags
	limiter *limiter
	now     func() time.Time
}

// New builds the UI. It panics if the embedded templates do not parse: they are part of the binary,
// so that is a programming error that every test run catches.
func New(d Deps) *UI {
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	if d.OnTenant == nil {
		d.OnTenant = func(*http.Request, uuid.UUID) {}
	}
	if d.LoginAttempts < 1 {
		d.LoginAttempts = 10
	}
	if d.LoginWindow <= 0 {
		d.LoginWindow = 15 * time.Minute
	}
	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic(err)
	}
	u := &UI{d: d, static: static, now: time.Now}
	u.assets = hashAssets(static)
	u.limiter = newLimiter(d.LoginAttempts, d.LoginWindow, time.Now)
	u.pages = u.parseTemplates()
	return u
}

// Routes returns the handler for every page. The app mounts it at "/" after /api/v1 and the
// operational endpoints.
//
//	/static/...                        embedded assets, cached (a year when the URL is versioned)
//	/                                  landing page; on a tenant's host name, its portal
//	/operator/login, /operator/logout  operator sign-in
//	/operator, /operator/tenants/new   tenants: list, create with an owner
//	/t/{slug}/admin/...                tenant admin (also /admin/... on the tenant's host names)
//	/t/{slug}/portal/...               client portal (also /portal/... on the tenant's host names)
func (u *UI) Routes() http.Handler {
	r := chi.NewRouter()
	r.NotFound(u.notFound)
	r.MethodNotAllowed(u.methodNotAllowed)
	r.Handle("/static/*", u.staticHandler())

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(u.crossOriginDenied))
	r.Group(func(r chi.Router) {
		r.Use(u.d.Sessions.LoadAndSave)
		r.Use(cop.Handler)
		r.Get("/", u.home)
		r.Route("/operator", u.operatorRoutes)
		r.Route("/t/{slug}", func(r chi.Router) {
			r.Use(u.tenantBySlug)
			r.Get("/", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, siteOf(r).Base+"/portal", http.StatusSeeOther)
			})
			u.tenantRoutes(r)
		})
		r.Group(func(r chi.Router) {
			r.Use(u.tenantByHost)
			u.tenantRoutes(r)
		})
	})
	return r
}

// tenantRoutes are the pages of one tenant, under its base path.
func (u *UI) tenantRoutes(r chi.Router) {
	r.Route("/admin", func(r chi.Router) {
		r.Get("/login", u.staffLoginForm)
		r.Post("/login", u.staffLogin)
		r.Post("/logout", u.staffLogout)
		r.Group(func(r chi.Router) {
			r.Use(u.requireStaff)
			r.Get("/", u.dashboard)

			r.Get("/clients", u.listClients)
			r.Get("/clients/new", u.newClient)
			r.Post("/clients", u.createClient)
			r.Get("/clients/{id}", u.editClient)
			r.Post("/clients/{id}", u.updateClient)

			r.Get("/api-keys", u.listAPIKeys)
			r.Group(func(r chi.Router) {
				r.Use(u.requireCan("settings", "Only owners and admins can create or revoke API keys."))
				r.Get("/api-keys/new", u.newAPIKey)
				r.Post("/api-keys", u.createAPIKey)
				r.Get("/api-keys/{id}/revoke", u.confirmRevokeAPIKey)
				r.Post("/api-keys/{id}/revoke", u.revokeAPIKey)
			})

			u.catalogRoutes(r)
			u.orderRoutes(r)
			u.notifyRoutes(r)
			u.mailRoutes(r)

			r.Get("/staff", u.listStaff)
			r.Group(func(r chi.Router) {
				r.Use(u.requireCan("staff", "Only owners can add staff users or change their roles."))
				r.Get("/staff/new", u.newStaff)
				r.Post("/staff", u.createStaff)
				r.Get("/staff/{id}", u.editStaff)
				r.Post("/staff/{id}", u.updateStaff)
			})
		})
	})
	r.Route("/portal", func(r chi.Router) {
		r.Get("/login", u.clientLoginForm)
		r.Post("/login", u.clientLogin)
		r.Post("/logout", u.clientLogout)
		// A configuration link opens one order by its token, without a login.
		r.Route("/o/{token}", u.portalTokenRoutes)
		r.Group(func(r chi.Router) {
			r.Use(u.requireClient)
			r.Get("/", u.portalHome)
			u.portalOrderRoutes(r)
		})
	})
}

func (u *UI) operatorRoutes(r chi.Router) {
	r.Get("/login", u.operatorLoginForm)
	r.Post("/login", u.operatorLogin)
	r.Post("/logout", u.operatorLogout)
	r.Group(func(r chi.Router) {
		r.Use(u.requireOperator)
		r.Get("/", u.listTenants)
		r.Get("/tenants/new", u.newTenant)
		r.Post("/tenants", u.createTenant)
	})
}
