package webui

import "github.com/go-chi/chi/v5"

// orderRoutes are the admin pages of orders, their timeline and actions, and pending validations.
func (u *UI) orderRoutes(r chi.Router) {}
