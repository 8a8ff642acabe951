package httpapi

import "github.com/go-chi/chi/v5"

// notifyRoutes are the webhook endpoints and the event feed.
func (a *API) notifyRoutes(r chi.Router) {}
