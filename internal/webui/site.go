package webui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

type ctxKey int

const (
	keySite ctxKey = iota
	keyUser
	keyOperator
	keyClient
)

// site is the tenant a request is for and the base path its links start with: "/t/{slug}" when
// reached by the path prefix, "" on one of the tenant's host names.
type site struct {
	Tenant *tenant.Tenant
	Base   string
}

func siteOf(r *http.Request) *site {
	s, _ := r.Context().Value(keySite).(*site)
	return s
}

func userOf(r *http.Request) *account.User {
	u, _ := r.Context().Value(keyUser).(*account.User)
	return u
}

func operatorOf(r *http.Request) *account.Operator {
	o, _ := r.Context().Value(keyOperator).(*account.Operator)
	return o
}

func clientOf(r *http.Request) *account.Client {
	c, _ := r.Context().Value(keyClient).(*account.Client)
	return c
}

// tenantBySlug resolves /t/{slug}.
func (u *UI) tenantBySlug(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := u.d.Tenants.BySlug(r.Context(), chi.URLParam(r, "slug"))
		base := ""
		if t != nil {
			base = "/t/" + t.Slug
		}
		u.serveTenant(w, r, next, t, base, err)
	})
}

// tenantByHost resolves a tenant's own host name (white-label), without the port.
func (u *UI) tenantByHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := u.d.Tenants.ByHost(r.Context(), hostOnly(r.Host))
		u.serveTenant(w, r, next, t, "", err)
	})
}

func (u *UI) serveTenant(w http.ResponseWriter, r *http.Request, next http.Handler, t *tenant.Tenant, base string, err error) {
	if errs.Is(err, errs.NotFound) {
		u.fail(w, r, errs.New(errs.NotFound, "There is no reseller at this address. Check the link you followed."))
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.d.OnTenant(r, t.ID)
	s := &site{Tenant: t, Base: base}
	r = r.WithContext(context.WithValue(r.Context(), keySite, s))
	if !t.Active() {
		v := u.newView(r, "Account suspended", "")
		u.renderError(w, r, http.StatusForbidden, v, errorPage{
			Title:   t.Name + " is suspended",
			Message: "This account is currently unavailable. If you run it, please contact the platform operator to restore access.",
			NoHome:  true,
		})
		return
	}
	next.ServeHTTP(w, r)
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return strings.Trim(h, "[]")
	}
	return strings.Trim(hostport, "[]")
}

// home is the landing page of the service; on a tenant's host name it leads to that tenant's portal.
func (u *UI) home(w http.ResponseWriter, r *http.Request) {
	t, err := u.d.Tenants.ByHost(r.Context(), hostOnly(r.Host))
	switch {
	case err == nil && t != nil:
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
	case errs.Is(err, errs.NotFound):
		u.renderPage(w, r, http.StatusOK, "site/landing", u.newView(r, "Certificates for resellers", ""))
	default:
		u.fail(w, r, err)
	}
}

// hashAssets fingerprints every static file; the fingerprint versions asset URLs in templates and
// serves as their ETag.
func hashAssets(fsys fs.FS) map[string]string {
	out := map[string]string{}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out
}

// assetURL returns the versioned URL of a static file.
func (u *UI) assetURL(name string) string {
	if h, ok := u.assets[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// staticHandler serves the embedded assets: versioned URLs are immutable for a year, others are
// cached for an hour and revalidated by ETag. Directories are not listed.
func (u *UI) staticHandler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(u.static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		hash, ok := u.assets[name]
		if !ok {
			u.notFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == hash {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		w.Header().Set("ETag", `"`+hash+`"`)
		files.ServeHTTP(w, r)
	})
}
