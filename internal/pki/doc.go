// Package pki holds everything the service does with keys and certificates itself, without an upstream
// provider: the industry dates table (maximum validity, DCV and vetting reuse), parsing and checking a
// client's CSR before any upstream call, generating a key and CSR for a client, a small two-level CA used by
// the sandbox provider and the provider simulators, and the download formats (PEM, full chain, PKCS#7,
// PKCS#12) with local verification. Every decision that depends on the date takes the time as a parameter, so
// tests and the reissue scheduler control the clock; input problems are *errs.Error values of code invalid
// naming the field ("csr", "key_type", "password", ...) in words the client can act on.
package pki
