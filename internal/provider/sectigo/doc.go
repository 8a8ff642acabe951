// Package sectigo is the low-level wire client of the Sectigo (formerly Comodo) reseller API, the
// "trust-provider" interface of form POSTs to https://secure.trust-provider.com/products/<endpoint>.
// It has one typed method per endpoint the service uses (AutoApplySSL, CollectSSL,
// GetDCVEmailAddressList, DecodeCSR, AutoReplaceSSL, AutoRevokeSSL, AutoRefund, AutoUpdateDCV,
// ResendDCVEmail, AutoAuthorize and the WebHostReport order report), tolerant parsers of both response
// formats (responseFormat=0, newline-delimited, and 1, URL-encoded), the one table that classifies
// Sectigo's errorCode values and error texts into provider error classes, the one table that maps
// Sectigo's status values to a small neutral Status set, the catalogue of known product codes (Sectigo
// publishes no prices through the API, so costs are entered by the tenant), the HTTP-file and CNAME
// domain-control tokens computed from a CSR, and CollectLimiter, the per-account guard that keeps
// CollectSSL polls to Sectigo's rules. Sectigo has no separate test host: Environment "test" sends
// test=Y on ordering calls, and such orders are neither billed nor ever issued.
//
// Adapter (Spec, New) is the provider adapter of the service over this client: it maps the service's
// requests, DCV methods, server types, contacts and states to Sectigo's, finds orders again through the
// order report for the reconciler, and shares one CollectLimiter per account. The simulator in
// sectigosim speaks the same protocol without importing this package.
package sectigo
