// Package enom is the wire client for Enom's reseller API: one typed method per SSL command
// (GetBalance, GetCerts, PurchaseServices, CertGetCerts, CertConfigureCert, CertGetApproverEmail,
// CertParseCSR, CertPurchaseCert, CertGetCertDetail, CertReissueCert, CertModifyOrder,
// CertChangeApproverEmail, CertResendApproverEmail) sent to /interface.asp on the live or test host,
// with tolerant parsers for the XML and Text response formats, the one table from Enom's error texts
// and numbers to provider error classes, the one table from Enom's certificate statuses to ours, and
// Enom's formats for web server types and phone numbers. Every HTTP exchange is recorded, redacted.
// The provider adapter wraps this client; the simulator in enomsim speaks the same protocol but
// shares no code with it. Enom has no revoke or renew command (a renewal is a new purchase), and its
// test server issues no real certificates.
package enom
