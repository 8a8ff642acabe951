package webui

import "net/http"

// portalHome is the client's home: their certificates. Orders arrive with the order issue; until
// then it explains what will appear here.
func (u *UI) portalHome(w http.ResponseWriter, r *http.Request) {
	u.renderPage(w, r, http.StatusOK, "portal/home", u.newView(r, "My certificates", "certificates"))
}
