// Package order is the heart of sslreseller: orders and their issuances, the one table of allowed
// status moves, configuration (CSR or generated key, DCV, contacts), exactly-once submission to the
// provider, the validation poller, downloads, and the actions after issue (renew, reissue, revoke,
// cancel), with the reissues that carry a multi-year term across ever shorter certificates.
package order
