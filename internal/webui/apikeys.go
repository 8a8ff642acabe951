package webui

import (
	"net/http"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// apiKeyCreated is the data of the page that shows a new key, the only time it is shown.
type apiKeyCreated struct {
	Key    *account.APIKey
	Secret string
}

func (u *UI) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := u.d.Accounts.ListAPIKeys(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "API keys", "api-keys")
	v.Data = keys
	u.renderPage(w, r, http.StatusOK, "admin/api_keys", v)
}

func (u *UI) newAPIKey(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("scope", account.ScopeBilling)
	u.renderAPIKeyForm(w, r, http.StatusOK, f)
}

func (u *UI) renderAPIKeyForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	v := u.newView(r, "Create API key", "api-keys")
	v.Form = f
	u.renderPage(w, r, status, "admin/api_key_new", v)
}

// createAPIKey answers with the key itself instead of redirecting: the secret is never stored, not
// even in the session, so this response is the only place it appears.
func (u *UI) createAPIKey(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	k, secret, err := u.d.Accounts.CreateAPIKey(r.Context(), siteOf(r).Tenant.ID, f.Get("name"), f.Get("scope"))
	if f.apply(err, "name", "scope") {
		u.renderAPIKeyForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "API key created", "api-keys")
	v.Data = apiKeyCreated{Key: k, Secret: secret}
	u.renderPage(w, r, http.StatusCreated, "admin/api_key_created", v)
}

// findAPIKey returns the key of the {id} in the URL.
func (u *UI) findAPIKey(r *http.Request) (*account.APIKey, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, errs.New(errs.NotFound, "API key not found")
	}
	keys, err := u.d.Accounts.ListAPIKeys(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if keys[i].ID == id {
			return &keys[i], nil
		}
	}
	return nil, errs.New(errs.NotFound, "API key not found")
}

// confirmRevokeAPIKey asks before revoking; it is a page, not a script dialog, so it works without
// JavaScript.
func (u *UI) confirmRevokeAPIKey(w http.ResponseWriter, r *http.Request) {
	k, err := u.findAPIKey(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Revoke API key", "api-keys")
	v.Data = k
	u.renderPage(w, r, http.StatusOK, "admin/api_key_revoke", v)
}

func (u *UI) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, errs.New(errs.NotFound, "API key not found"))
		return
	}
	if err := u.d.Accounts.RevokeAPIKey(r.Context(), siteOf(r).Tenant.ID, id); err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/api-keys", "The API key was revoked. Requests that use it are now refused.")
}
