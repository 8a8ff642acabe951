package webui

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Session keys. A session holds one signed-in person: their kind, id and (for staff and clients)
// tenant; signing in replaces whatever it held before.
const (
	sessKind   = "kind"
	sessID     = "id"
	sessTenant = "tenant"
	sessFlash  = "flash"

	kindStaff    = "staff"
	kindOperator = "operator"
	kindClient   = "client"
)

// loginPage is the data of the sign-in template.
type loginPage struct {
	Kind     string
	Heading  string
	Subtitle string
	Action   string
	Help     string
}

// login describes one of the three sign-ins.
type login struct {
	page     loginPage
	tenantID uuid.UUID // uuid.Nil for operators
	home     string    // where a sign-in leads unless the form names a page under it
	auth     func(ctx context.Context, email, pw string) (uuid.UUID, error)
}

func (u *UI) staffLoginSpec(r *http.Request) login {
	s := siteOf(r)
	return login{
		page: loginPage{Kind: kindStaff, Heading: "Sign in to " + s.Tenant.Name, Subtitle: "Staff administration",
			Action: s.Base + "/admin/login", Help: "Forgot your password? Ask an owner of your team to reset it."},
		tenantID: s.Tenant.ID,
		home:     s.Base + "/admin",
		auth: func(ctx context.Context, email, pw string) (uuid.UUID, error) {
			usr, err := u.d.Accounts.AuthenticateUser(ctx, s.Tenant.ID, email, pw)
			if err != nil {
				return uuid.Nil, err
			}
			return usr.ID, nil
		},
	}
}

func (u *UI) clientLoginSpec(r *http.Request) login {
	s := siteOf(r)
	return login{
		page: loginPage{Kind: kindClient, Heading: "Sign in to " + s.Tenant.Name, Subtitle: "Your certificates",
			Action: s.Base + "/portal/login", Help: "New here? Use the link in your certificate e-mail to set a password."},
		tenantID: s.Tenant.ID,
		home:     s.Base + "/portal",
		auth: func(ctx context.Context, email, pw string) (uuid.UUID, error) {
			c, err := u.d.Accounts.AuthenticateClient(ctx, s.Tenant.ID, email, pw)
			if err != nil {
				return uuid.Nil, err
			}
			return c.ID, nil
		},
	}
}

func (u *UI) operatorLoginSpec(*http.Request) login {
	return login{
		page: loginPage{Kind: kindOperator, Heading: "Operator sign-in", Subtitle: "Platform administration",
			Action: "/operator/login", Help: "Operator accounts are created on the server with: sslreseller user create --operator."},
		home: "/operator",
		auth: func(ctx context.Context, email, pw string) (uuid.UUID, error) {
			op, err := u.d.Accounts.AuthenticateOperator(ctx, email, pw)
			if err != nil {
				return uuid.Nil, err
			}
			return op.ID, nil
		},
	}
}

func (u *UI) staffLoginForm(w http.ResponseWriter, r *http.Request) {
	u.loginForm(w, r, u.staffLoginSpec(r))
}
func (u *UI) staffLogin(w http.ResponseWriter, r *http.Request) { u.login(w, r, u.staffLoginSpec(r)) }
func (u *UI) staffLogout(w http.ResponseWriter, r *http.Request) {
	u.logout(w, r, siteOf(r).Base+"/admin/login")
}

func (u *UI) clientLoginForm(w http.ResponseWriter, r *http.Request) {
	u.loginForm(w, r, u.clientLoginSpec(r))
}
func (u *UI) clientLogin(w http.ResponseWriter, r *http.Request) { u.login(w, r, u.clientLoginSpec(r)) }
func (u *UI) clientLogout(w http.ResponseWriter, r *http.Request) {
	u.logout(w, r, siteOf(r).Base+"/portal/login")
}

func (u *UI) operatorLoginForm(w http.ResponseWriter, r *http.Request) {
	u.loginForm(w, r, u.operatorLoginSpec(r))
}
func (u *UI) operatorLogin(w http.ResponseWriter, r *http.Request) {
	u.login(w, r, u.operatorLoginSpec(r))
}
func (u *UI) operatorLogout(w http.ResponseWriter, r *http.Request) {
	u.logout(w, r, "/operator/login")
}

// signedIn reports whether the session already holds this kind of person for this tenant.
func (u *UI) signedIn(ctx context.Context, kind string, tenantID uuid.UUID) bool {
	sm := u.d.Sessions
	if sm.GetString(ctx, sessKind) != kind {
		return false
	}
	return tenantID == uuid.Nil || sm.GetString(ctx, sessTenant) == tenantID.String()
}

func (u *UI) loginForm(w http.ResponseWriter, r *http.Request, l login) {
	if u.signedIn(r.Context(), l.page.Kind, l.tenantID) {
		http.Redirect(w, r, l.home, http.StatusSeeOther)
		return
	}
	f := newForm(nil)
	f.Set("next", safeNext(r.URL.Query().Get("next"), l.home))
	u.renderLogin(w, r, http.StatusOK, l, f)
}

func (u *UI) renderLogin(w http.ResponseWriter, r *http.Request, status int, l login, f *form) {
	v := u.newView(r, "Sign in", "")
	v.Form, v.Data = f, l.page
	u.renderPage(w, r, status, "site/login", v)
}

// login checks the form against the limiter and the store; unknown e-mail and wrong password get
// the same answer.
func (u *UI) login(w http.ResponseWriter, r *http.Request, l login) {
	f := postForm(r)
	key := strings.Join([]string{l.page.Kind, l.tenantID.String(), hostOnly(r.RemoteAddr), strings.ToLower(f.Get("email"))}, "|")
	if wait, over := u.limiter.blocked(key); over {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		f.Alert = "Too many failed sign-in attempts. Please wait " + waitText(wait) + " and try again."
		u.renderLogin(w, r, http.StatusTooManyRequests, l, f)
		return
	}
	id, err := l.auth(r.Context(), f.Get("email"), f.Raw("password"))
	if errs.Is(err, errs.Unauthenticated) {
		u.limiter.fail(key)
		f.Alert = "That e-mail address and password do not match an account."
		u.renderLogin(w, r, http.StatusUnauthorized, l, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.limiter.reset(key)
	if err := u.startSession(r.Context(), l.page.Kind, id, l.tenantID); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(f.Get("next"), l.home), http.StatusSeeOther)
}

func waitText(d time.Duration) string {
	if d < time.Minute {
		return plural(int(math.Ceil(d.Seconds())), "second")
	}
	return plural(int(math.Ceil(d.Minutes())), "minute")
}

// startSession replaces the session's contents with a new sign-in under a new token, so a token
// planted before sign-in is worthless after it.
func (u *UI) startSession(ctx context.Context, kind string, id, tenantID uuid.UUID) error {
	sm := u.d.Sessions
	if err := sm.Clear(ctx); err != nil {
		return err
	}
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessKind, kind)
	sm.Put(ctx, sessID, id.String())
	if tenantID != uuid.Nil {
		sm.Put(ctx, sessTenant, tenantID.String())
	}
	return nil
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request, to string) {
	if err := u.d.Sessions.Destroy(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, to, "You have signed out.")
}

// safeNext returns next when it is a path under home (no open redirects), else home.
func safeNext(next, home string) string {
	if next == home || (strings.HasPrefix(next, home+"/") || strings.HasPrefix(next, home+"?")) &&
		!strings.Contains(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return home
}

// toLogin sends a visitor who is not signed in (or signed in elsewhere) to a sign-in page that
// brings them back.
func (u *UI) toLogin(w http.ResponseWriter, r *http.Request, login string) {
	if r.Method == http.MethodGet {
		login += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", login)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, login, http.StatusSeeOther)
}

// sessionID returns the id of the signed-in person of this kind and tenant.
func (u *UI) sessionID(ctx context.Context, kind string, tenantID uuid.UUID) (uuid.UUID, bool) {
	if !u.signedIn(ctx, kind, tenantID) {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(u.d.Sessions.GetString(ctx, sessID))
	return id, err == nil
}

func actor(r *http.Request, typ, id, label string) context.Context {
	return audit.WithActor(r.Context(), audit.Actor{Type: typ, ID: id, Label: label, RemoteAddr: r.RemoteAddr,
		RequestID: middleware.GetReqID(r.Context())})
}

// requireStaff lets through staff signed in to this tenant, with the user and the audit actor on
// the context; a disabled or deleted user is signed out.
func (u *UI) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := siteOf(r)
		id, ok := u.sessionID(r.Context(), kindStaff, s.Tenant.ID)
		if !ok {
			u.toLogin(w, r, s.Base+"/admin/login")
			return
		}
		usr, err := u.d.Accounts.GetUser(r.Context(), s.Tenant.ID, id)
		if errs.Is(err, errs.NotFound) || (err == nil && usr.DisabledAt != nil) {
			_ = u.d.Sessions.Destroy(r.Context())
			u.toLogin(w, r, s.Base+"/admin/login")
			return
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		ctx := context.WithValue(actor(r, audit.ActorStaff, usr.ID.String(), usr.Email), keyUser, usr)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireCan answers 403 unless the staff user's role allows the kind of change (account.User.Can).
func (u *UI) requireCan(what, why string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if usr := userOf(r); usr == nil || !usr.Can(what) {
				u.fail(w, r, errs.New(errs.Forbidden, "%s", why))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// requireClient lets through clients signed in to this tenant's portal.
func (u *UI) requireClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := siteOf(r)
		id, ok := u.sessionID(r.Context(), kindClient, s.Tenant.ID)
		if !ok {
			u.toLogin(w, r, s.Base+"/portal/login")
			return
		}
		c, err := u.d.Accounts.GetClient(r.Context(), s.Tenant.ID, id)
		if errs.Is(err, errs.NotFound) {
			_ = u.d.Sessions.Destroy(r.Context())
			u.toLogin(w, r, s.Base+"/portal/login")
			return
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		ctx := context.WithValue(actor(r, audit.ActorClient, c.ID.String(), c.Email), keyClient, c)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireOperator lets through signed-in platform operators.
func (u *UI) requireOperator(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := u.sessionID(r.Context(), kindOperator, uuid.Nil)
		if !ok {
			u.toLogin(w, r, "/operator/login")
			return
		}
		op, err := u.d.Accounts.GetOperator(r.Context(), id)
		if errs.Is(err, errs.Unauthenticated) {
			_ = u.d.Sessions.Destroy(r.Context())
			u.toLogin(w, r, "/operator/login")
			return
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		ctx := context.WithValue(actor(r, audit.ActorOperator, op.ID.String(), op.Email), keyOperator, op)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
