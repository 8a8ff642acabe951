// Package enomsim is a simulator of Enom's reseller API for SSL certificates: an http.Handler that
// serves /interface.asp (GET or POST, parameter names in any case, ResponseType XML or the default
// Text) with accounts and balances, Enom's certificate state machine, approver lists and real X.509
// certificates from its own CA. It writes its responses itself and does not import the enom client,
// so the two cannot agree on a mistake. `sslreseller simulate enom` serves it; tests use it through
// httptest. Unlike the simulator, Enom's real test server (resellertest.enom.com) never issues a
// certificate.
//
// Commands: GetBalance, GetCerts, PurchaseServices (debits the balance), CertGetCerts (filters and
// paging), CertConfigureCert, CertGetApproverEmail, CertParseCSR, CertPurchaseCert,
// CertGetCertDetail, CertReissueCert (not for Comodo products), CertModifyOrder,
// CertChangeApproverEmail and CertResendApproverEmail. Each CertID moves
// 1 Awaiting Configuration -> (CertPurchaseCert) 2 Processing, or 9 Approval Email Sent for Comodo
// -> (CertGetCertDetail polls) 4 Certificate Issued, or 6 Rejected by Customer; Comodo orders show
// 10 Approved by Domain Owner on the poll before issue; CertModifyOrder takes 2, 9 and 10 back to 1;
// the refund states 7 and 8 are reached only through SetStatus. Approver lists hold only the
// constructed addresses admin@, administrator@, hostmaster@, postmaster@ and webmaster@ at the name
// and at its registrable parent. Issued certificates are for the CSR's key, name the common name
// first, and last for the term bought capped by pki.MaxValidity.
//
// Scenarios, by account (New creates these beside the default account, all with the default
// password; Go methods set the same on any account):
//
//   - "<uid>-nofunds": balance 0, so PurchaseServices fails with insufficient funds (SetBalance).
//   - "<uid>-ipblocked": every call fails with "User not permitted from this IP address: <ip>"
//     (SetIPNotPermitted, or Account.AllowedIPs for a real allow-list).
//   - a wrong uid or pw fails with "Bad User name or Password" (SetBadCredentials fails the right one).
//
// Scenarios, by the first label of the certificate's domain (the CSR's common name):
//
//   - reject.example.com: ends "Rejected by Customer" instead of issued (Reject).
//   - pollsN.example.com, e.g. polls5.: issued on the Nth status poll; polls0. issues at submission
//     (SetPollsToIssue; default Options.PollsToIssue, 2).
//   - blocked.example.com: CertPurchaseCert fails, the CA declining the name.
//   - slow.example.com: every answer about the certificate waits Options.SlowDelay (SetDelay slows
//     every answer).
//   - flaky.example.com: the first two requests about the certificate after it is configured answer
//     HTTP 503 without doing anything (FailNext(n) does so for the next n requests of any kind).
//   - malformed.example.com: the first answer about the certificate after it is configured is cut
//     short, after the command took effect (MalformNext(n) for the next n requests of any kind).
//
// Inspection for tests: Orders, Order, Purchases (successful PurchaseServices calls, for
// exactly-once tests), Calls, Balance, Accounts.
package enomsim
