package webui

import "github.com/go-chi/chi/v5"

// notifyRoutes are the admin pages of webhook endpoints and deliveries, e-mail templates and the
// development mailbox.
func (u *UI) notifyRoutes(r chi.Router) {}
