package webui

import (
	"net/http"
	"strings"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

// tenantFields are the inputs of the new-tenant form.
func tenantFields() []string {
	return []string{"slug", "name", "currency", "host_names", "owner_email", "owner_name", "owner_password"}
}

func (u *UI) listTenants(w http.ResponseWriter, r *http.Request) {
	ts, err := u.d.Tenants.List(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Tenants", "tenants")
	v.Data = ts
	u.renderPage(w, r, http.StatusOK, "operator/tenants", v)
}

func (u *UI) newTenant(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("currency", "USD")
	u.renderTenantForm(w, r, http.StatusOK, f)
}

func (u *UI) renderTenantForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	v := u.newView(r, "Create tenant", "tenants")
	v.Form = f
	u.renderPage(w, r, status, "operator/tenant_new", v)
}

// createTenant makes a tenant and its first owner, so the new reseller can sign in at once. Both
// are checked before either is written, so a bad owner does not leave a tenant without one.
func (u *UI) createTenant(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	in := tenant.CreateInput{Slug: f.Get("slug"), Name: f.Get("name"), Currency: f.Get("currency"),
		HostNames: strings.FieldsFunc(f.Get("host_names"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })}
	owner := account.UserInput{Email: f.Get("owner_email"), Name: f.Get("owner_name"), Role: account.RoleOwner, Password: f.Raw("owner_password")}
	if err := checkNewTenant(&in, owner); f.apply(err, tenantFields()...) {
		u.renderTenantForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	t, err := u.d.Tenants.Create(r.Context(), in)
	if f.apply(err, tenantFields()...) {
		u.renderTenantForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if _, err := u.d.Accounts.CreateUser(r.Context(), t.ID, owner); err != nil {
		if e, ok := errs.As(err); ok && e.Code != errs.Internal {
			u.redirect(w, r, "/operator", "Tenant "+t.Name+" was created, but its owner could not be added ("+e.Message+
				"). Add one with: sslreseller user create --tenant "+t.Slug+" --role owner --email …")
			return
		}
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, "/operator", "Tenant "+t.Name+" was created. Its owner can sign in at /t/"+t.Slug+"/admin/login.")
}

// checkNewTenant names every bad field of the tenant and its owner at once.
func checkNewTenant(in *tenant.CreateInput, owner account.UserInput) error {
	var f errs.Fields
	if err := in.Validate(); err != nil {
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		f = append(f, e.Fields...)
	}
	if _, ok := account.NormalizeEmail(owner.Email); !ok {
		if owner.Email == "" {
			f.Add("owner_email", "is required")
		} else {
			f.Add("owner_email", "%q is not an e-mail address", owner.Email)
		}
	}
	if len(owner.Name) > 100 {
		f.Add("owner_name", "must be at most 100 characters")
	}
	if err := account.CheckPassword("owner_password", owner.Password); err != nil {
		e, _ := errs.As(err)
		f = append(f, e.Fields...)
	}
	return f.Err()
}
