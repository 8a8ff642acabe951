package webui

import "github.com/go-chi/chi/v5"

// catalogRoutes are the admin pages of provider accounts, the catalogue, products, prices and
// currencies.
func (u *UI) catalogRoutes(r chi.Router) {}
