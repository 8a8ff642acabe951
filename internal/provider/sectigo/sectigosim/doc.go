// Package sectigosim simulates the Sectigo (Comodo) reseller API for tests, the local demo and
// `sslreseller simulate sectigo`: form POSTs to /products/!AutoApplySSL, /products/download/CollectSSL,
// /products/!GetDCVEmailAddressList, /products/!DecodeCSR, /products/!AutoReplaceSSL,
// /products/!AutoRevokeSSL, /products/!AutoRefund, /products/!AutoUpdateDCV, /products/!ResendDCVEmail,
// /products/!AutoAuthorize and /products/!WebHostReport, answered in Sectigo's wire formats (newline-
// delimited or PHP-style URL-encoded, per endpoint and responseFormat), with reseller accounts and
// balances, orders with 7-8 digit numbers, Sectigo's status codes, constructed approver addresses, and
// real X.509 certificates from its own CA (RootPEM) for the CSR's key and the order's names, capped at
// the industry's maximum validity. It is written without the sectigo client package, so the two cannot
// share a mistake. Requests are checked as Sectigo checks them: a GET is -17, a missing argument -3
// naming it, an unknown argument -2 (so AutoUpdateDCV refuses responseFormat), bad credentials or a
// blocked IP -16, a short balance -15.
//
// Scenarios can be set from Go (SetIssueAfter, SetReject, SetIPBlocked, SetBalance, SetPayLater,
// FailNext, MalformNext, SetDelay, Issue, Reject) or chosen by a person through names, by the first
// label of an order's first name (the CSR's common name, or primaryDomainName):
//
//	reject.example.com       rejected when it would issue; CollectSSL answers -20
//	pending.example.com      never issues
//	polls5.example.com       issues after 5 CollectSSL polls (default 2, Options.IssueAfterPolls)
//	issuing.example.com      one -26 ("being issued") answer before it issues
//	slow.example.com         every answer about the order takes Options.SlowDelay (default 3s)
//	unavailable.example.com  the first AutoApplySSL answers HTTP 503 and places nothing; a retry works
//	lost.example.com         AutoApplySSL places the order, then answers HTTP 502 (find it with WebHostReport)
//	malformed.example.com    AutoApplySSL places the order, then answers an HTML page
//	nocredit.example.com     AutoApplySSL answers -15 (not enough credit)
//
// Accounts: New creates the default account (DefaultAccount; login "sim-reseller" unless
// Options.DefaultLogin says otherwise, with a random password unless Options.DefaultPassword is set)
// with a balance of 1000.00 USD, and "ipblocked-<login>" with the same password, whose every call is
// refused with -16 as from an IP address outside the allow-list. A wrong password is -16 too. test=Y
// orders are not billed and never issue (unless Options.IssueTestOrders). Orders and Purchases let tests
// assert what was bought; state lives in memory behind one mutex.
package sectigosim
