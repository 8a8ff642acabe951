package webui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/tenant"
	"github.com/sslreseller/sslreseller/web"
)

// view is what every template gets: who is signed in where, the page's own data and its form.
type view struct {
	Title     string
	Nav       string // the active navigation item
	Tenant    *tenant.Tenant
	Base      string // "/t/{slug}" or "" on a tenant host name
	User      *account.User
	Operator  *account.Operator
	Client    *account.Client
	Flash     string
	RequestID string
	BaseURL   string // the service's public URL, where the API is
	Origin    string // scheme and host of the tenant's pages: BaseURL, or the tenant's own host name
	Form      *form
	Data      any
}

// Admin is the base path of the tenant admin.
func (v *view) Admin() string { return v.Base + "/admin" }

// Portal is the base path of the client portal.
func (v *view) Portal() string { return v.Base + "/portal" }

// Can reports whether the signed-in staff user may make a kind of change (account.User.Can).
func (v *view) Can(what string) bool { return v.User != nil && v.User.Can(what) }

func (u *UI) newView(r *http.Request, title, nav string) *view {
	v := &view{Title: title, Nav: nav, RequestID: middleware.GetReqID(r.Context()), BaseURL: strings.TrimSuffix(u.d.BaseURL, "/"),
		User: userOf(r), Operator: operatorOf(r), Client: clientOf(r)}
	v.Origin = v.BaseURL
	if s := siteOf(r); s != nil {
		v.Tenant, v.Base = s.Tenant, s.Base
		if s.Base == "" {
			scheme, _, _ := strings.Cut(v.BaseURL, "://")
			v.Origin = scheme + "://" + r.Host
		}
	}
	return v
}

// form carries submitted values back to a page with what was wrong with them.
type form struct {
	Values url.Values
	Errors map[string]string
	Alert  string
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{Values: v, Errors: map[string]string{}}
}

// postForm parses a submitted form.
func postForm(r *http.Request) *form {
	_ = r.ParseForm() // a body over the limit leaves the form empty; validation then names the fields
	return newForm(r.PostForm)
}

// Get returns a submitted value, trimmed.
func (f *form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Raw returns a submitted value as it was sent (passwords).
func (f *form) Raw(name string) string { return f.Values.Get(name) }

// Set replaces a value.
func (f *form) Set(name, value string) { f.Values.Set(name, value) }

// apply records what err says about the input: field errors next to the fields the page shows
// (known), everything else in the alert above the form. It reports false for errors that are not
// about the input; the caller renders those as an error page.
func (f *form) apply(err error, known ...string) bool {
	e, ok := errs.As(err)
	if !ok || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
		return false
	}
	var other []string
	for _, fe := range e.Fields {
		if slices.Contains(known, fe.Field) {
			if _, dup := f.Errors[fe.Field]; !dup {
				f.Errors[fe.Field] = fe.Detail
			}
			continue
		}
		other = append(other, fe.Field+" "+fe.Detail)
	}
	switch {
	case len(e.Fields) == 0:
		f.Alert = e.Message
	case len(other) > 0:
		f.Alert = "Please correct the following: " + strings.Join(other, "; ") + "."
	default:
		f.Alert = "Please correct the highlighted fields."
	}
	return true
}

// fieldView is one labelled input with its value and error, rendered by the "field" template.
type fieldView struct {
	Name, ID, Label, Type, Value, Error, Hint, Placeholder, Autocomplete, Class, Maxlength string
	Required, Autofocus                                                                    bool
}

// field builds a fieldView; opts are "type=email", "required", "autofocus", "hint=...",
// "placeholder=...", "autocomplete=...", "class=...", "maxlength=...".
func field(f *form, name, label string, opts ...string) fieldView {
	fv := fieldView{Name: name, ID: "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(name), Label: label, Type: "text"}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			fv.Type = val
		case "required":
			fv.Required = true
		case "autofocus":
			fv.Autofocus = true
		case "hint":
			fv.Hint = val
		case "placeholder":
			fv.Placeholder = val
		case "autocomplete":
			fv.Autocomplete = val
		case "class":
			fv.Class = val
		case "maxlength":
			fv.Maxlength = val
		}
	}
	if f != nil {
		if fv.Type != "password" {
			fv.Value = f.Values.Get(name)
		}
		if d, ok := f.Errors[name]; ok {
			fv.Error = fieldMessage(label, d)
		}
	}
	return fv
}

// fieldMessage turns a store's detail ("is required") into a sentence that stands on its own
// below the field ("First name is required").
func fieldMessage(label, detail string) string {
	for _, p := range []string{"is ", "must ", "are "} {
		if strings.HasPrefix(detail, p) {
			return label + " " + detail + "."
		}
	}
	r, n := utf8.DecodeRuneInString(detail)
	return string(unicode.ToUpper(r)) + detail[n:] + "."
}

// userMenu is the signed-in person in a layout's top bar.
type userMenu struct {
	Name, Sub, Role, Logout string
}

// errorPage is the data of the error template.
type errorPage struct {
	Status  int
	Title   string
	Message string
	Home    string
	HomeTxt string
	NoHome  bool // no way onward, e.g. a suspended tenant
}

func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": u.assetURL,
		"field": field,
		"date": func(t time.Time) string {
			return t.Local().Format("Jan 2, 2006")
		},
		"datetime": func(t time.Time) string {
			return t.Local().Format("Jan 2, 2006 15:04")
		},
		"ago": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return ago(u.now().Sub(*t), *t)
		},
		"initials":   initials,
		"plural":     plural,
		"periodText": periodLabel,
		"checkedIn":  func(s checkedSet, v string) bool { return s.Has(v) },
		"userMenu": func(name, sub, role, logout string) userMenu {
			if name == "" {
				name, sub = sub, ""
			}
			return userMenu{Name: name, Sub: sub, Role: role, Logout: logout}
		},
	}
}

func ago(d time.Duration, t time.Time) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	default:
		return t.Local().Format("Jan 2, 2006")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
		if b.Len() >= 2 {
			break
		}
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}

// parseTemplates gives every page its own set: the layouts and partials at the top of templates/
// plus the page, which defines "page" (choosing a layout) and "content". Pages are named by their
// path without the extension: "admin/clients", "site/login".
func (u *UI) parseTemplates() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(u.funcs()).ParseFS(web.Templates, "templates/*.html"))
	pages := map[string]*template.Template{}
	err := fs.WalkDir(web.Templates, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Dir(p) == "templates" {
			return err
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(web.Templates, p))
		pages[strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")] = t
		return nil
	})
	if err != nil {
		panic(err)
	}
	return pages
}

// renderPage renders a whole page, with the flash message left by the previous request.
func (u *UI) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	if v.Flash == "" {
		v.Flash = u.d.Sessions.PopString(r.Context(), sessFlash)
	}
	u.execute(w, r, status, name, "page", v)
}

// renderPartial renders one named block of a page (an htmx swap).
func (u *UI) renderPartial(w http.ResponseWriter, r *http.Request, name, block string, v *view) {
	u.execute(w, r, http.StatusOK, name, block, v)
}

func (u *UI) execute(w http.ResponseWriter, r *http.Request, status int, name, block string, v *view) {
	t, ok := u.pages[name]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = fmt.Errorf("no page template %q", name)
	} else {
		err = t.ExecuteTemplate(&buf, block, v)
	}
	if err != nil {
		u.d.Log.Error("render page", zap.String("request_id", middleware.GetReqID(r.Context())), zap.String("page", name), zap.Error(err))
		http.Error(w, "Something went wrong on our side. Request id: "+middleware.GetReqID(r.Context()), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "HX-Request")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderError renders the error page. It does not touch the session, so it also serves requests
// outside the session middleware.
func (u *UI) renderError(w http.ResponseWriter, r *http.Request, status int, v *view, p errorPage) {
	p.Status = status
	if p.Home == "" && !p.NoHome {
		p.Home, p.HomeTxt = homeFor(r, v)
	}
	v.Data = p
	if hx := r.Header.Get("HX-Request"); hx == "true" {
		// An htmx swap would put a whole page into a table: send the browser to the page instead.
		w.Header().Set("HX-Retarget", "body")
		w.Header().Set("HX-Reswap", "innerHTML")
	}
	u.execute(w, r, status, "site/error", "page", v)
}

// homeFor picks where the error page's button leads: the area the request was in.
func homeFor(r *http.Request, v *view) (string, string) {
	p := r.URL.Path
	switch {
	case v.Tenant != nil && strings.HasPrefix(strings.TrimPrefix(p, v.Base), "/portal"):
		return v.Portal(), "Back to the portal"
	case v.Tenant != nil:
		return v.Admin(), "Back to the dashboard"
	case strings.HasPrefix(p, "/operator"):
		return "/operator", "Back to tenants"
	default:
		return "/", "Back to the home page"
	}
}

// fail is the one place an error becomes an HTML page. Internal errors are logged once with the
// request id and shown with a generic message that quotes it.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	v := u.newView(r, "", "")
	e, ok := errs.As(err)
	code := errs.Internal
	if ok {
		code = e.Code
	}
	switch code {
	case errs.NotFound:
		v.Title = "Not found"
		u.renderError(w, r, http.StatusNotFound, v, errorPage{Title: "Page not found", Message: e.Message})
	case errs.Forbidden:
		v.Title = "Not allowed"
		u.renderError(w, r, http.StatusForbidden, v, errorPage{Title: "Access denied", Message: e.Message})
	case errs.Invalid:
		v.Title = "Bad request"
		u.renderError(w, r, http.StatusBadRequest, v, errorPage{Title: "That request was not valid", Message: e.Message})
	case errs.Conflict:
		v.Title = "Conflict"
		u.renderError(w, r, http.StatusConflict, v, errorPage{Title: "That could not be done", Message: e.Message})
	case errs.Unauthenticated:
		v.Title = "Sign in required"
		u.renderError(w, r, http.StatusUnauthorized, v, errorPage{Title: "Please sign in", Message: e.Message})
	default:
		u.d.Log.Error("internal error", zap.String("request_id", v.RequestID), zap.String("path", r.URL.Path), zap.Error(err))
		v.Title = "Something went wrong"
		u.renderError(w, r, http.StatusInternalServerError, v, errorPage{Title: "Something went wrong on our side",
			Message: "We could not complete this request. Please try again; if it keeps happening, contact support and quote the request id below."})
	}
}

func (u *UI) notFound(w http.ResponseWriter, r *http.Request) {
	u.fail(w, r, errs.New(errs.NotFound, "The page you asked for does not exist or has moved."))
}

func (u *UI) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	v := u.newView(r, "Not allowed", "")
	u.renderError(w, r, http.StatusMethodNotAllowed, v, errorPage{Title: "That action is not available here",
		Message: "This address does not accept " + r.Method + " requests."})
}

func (u *UI) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	u.fail(w, r, errs.New(errs.Forbidden, "This form was sent from another site, so it was refused. Reload the page and try again."))
}

// redirect answers a form post with 303 See Other, leaving a flash message for the next page.
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		u.d.Sessions.Put(r.Context(), sessFlash, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
