// Package sandbox is the built-in "sandbox" provider: a real two-level CA per provider account
// (made by Spec.Init, kept sealed by the framework as the account's state) that issues real X.509
// certificates for the client's key, with domain validation simulated. It is the default provider of
// the local demo and of most lifecycle tests, and it supports every capability of design.md section 4.
//
// The adapter keeps no state of its own beyond the account's CA: every answer is derived from what the
// caller sends. The provider reference is "sbx-" plus our reference, so submitting the same reference
// again is idempotent and Find can answer by reference; Status decides from the request, the
// submission time and the account's settings (approve_after, reject_suffix), and the certificate it
// issues has a serial and dates derived from the reference, so repeated polls return the same
// certificate. Checks mirror a real CA's: the CSR's key and signature, names against the catalogue
// item, the organisation for OV and EV, the end of e-mail validation on 2028-03-15 and the constructed
// approver addresses.
package sandbox
