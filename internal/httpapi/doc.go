// Package httpapi is the REST API under /api/v1: bearer API keys with scopes, the list envelope,
// RFC 9457 problem details with a stable code, idempotency keys, and thin handlers that parse, call
// one domain method and render.
package httpapi
