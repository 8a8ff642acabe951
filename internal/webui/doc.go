// Package webui serves the browser pages of sslreseller: the tenant admin (/admin) where staff manage
// clients, API keys and staff users; the client portal (/portal); and the operator pages (/operator)
// where the platform's operators create tenants.
//
// A tenant's pages are reached under the /t/{slug} prefix or, on one of the tenant's own host names,
// at the root, so every link in a template is built from a base path ("/t/acme" or ""). Pages are
// html/template files embedded from package web and enhanced with htmx; every form also works as a
// plain HTML form without JavaScript, and nothing inline is needed, so the strict self-only CSP of
// internal/app holds.
//
// Sign-in state lives in server-side sessions (scs over PostgreSQL) that name the kind of person
// (staff, operator or client), their id and their tenant; a session never opens another tenant's
// pages. State-changing requests pass Go's cross-origin protection, and failed sign-ins are limited
// per remote address and e-mail. Handlers parse the request, call one store method and render; store
// errors become inline form errors or an error page in one place (render.go).
package webui
