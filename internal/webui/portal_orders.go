package webui

import "github.com/go-chi/chi/v5"

// portalOrderRoutes are the signed-in client's certificate pages.
func (u *UI) portalOrderRoutes(r chi.Router) {}

// portalTokenRoutes open one order by the token of its configuration link.
func (u *UI) portalTokenRoutes(r chi.Router) {}
