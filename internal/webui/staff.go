package webui

import (
	"net/http"

	"github.com/sslreseller/sslreseller/internal/account"
)

// staffEdit is the data of the page that changes a staff user.
type staffEdit struct {
	Member *account.User
	Self   bool
}

// listStaff shows the team; only owners see the controls that change it.
func (u *UI) listStaff(w http.ResponseWriter, r *http.Request) {
	users, err := u.d.Accounts.ListUsers(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Staff", "staff")
	v.Data = users
	u.renderPage(w, r, http.StatusOK, "admin/staff", v)
}

func (u *UI) newStaff(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("role", account.RoleSupport)
	u.renderStaffForm(w, r, http.StatusOK, f)
}

func (u *UI) renderStaffForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	v := u.newView(r, "Add staff user", "staff")
	v.Form = f
	u.renderPage(w, r, status, "admin/staff_new", v)
}

func (u *UI) createStaff(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	usr, err := u.d.Accounts.CreateUser(r.Context(), siteOf(r).Tenant.ID, account.UserInput{
		Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role"), Password: f.Raw("password")})
	if f.apply(err, "email", "name", "role", "password") {
		u.renderStaffForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/staff", usr.Email+" was added as "+usr.Role+". Share the initial password with them securely.")
}

func (u *UI) editStaff(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, account.ErrUserNotFound)
		return
	}
	m, err := u.d.Accounts.GetUser(r.Context(), siteOf(r).Tenant.ID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := newForm(nil)
	f.Set("role", m.Role)
	if m.DisabledAt != nil {
		f.Set("disabled", "on")
	}
	u.renderStaffEdit(w, r, http.StatusOK, m, f)
}

func (u *UI) renderStaffEdit(w http.ResponseWriter, r *http.Request, status int, m *account.User, f *form) {
	v := u.newView(r, m.Email, "staff")
	v.Form, v.Data = f, staffEdit{Member: m, Self: m.ID == userOf(r).ID}
	u.renderPage(w, r, status, "admin/staff_edit", v)
}

func (u *UI) updateStaff(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, account.ErrUserNotFound)
		return
	}
	f := postForm(r)
	err := u.d.Accounts.UpdateUser(r.Context(), siteOf(r).Tenant.ID, id, f.Get("role"), f.Get("disabled") == "on")
	if f.apply(err, "role") {
		m, gerr := u.d.Accounts.GetUser(r.Context(), siteOf(r).Tenant.ID, id)
		if gerr != nil {
			u.fail(w, r, gerr)
			return
		}
		u.renderStaffEdit(w, r, http.StatusUnprocessableEntity, m, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/staff", "The staff user was updated.")
}
