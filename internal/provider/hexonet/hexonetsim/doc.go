// Package hexonetsim is an in-memory simulator of the HEXONET (ISPAPI) SSL API for tests, the local
// demo and `sslreseller simulate hexonet`: it serves /api/call.cgi with HEXONET's form encoding and
// "[RESPONSE] ... EOF" answers, keeps two independent data sets for the live ("54cd") and OT&E
// ("1234") entities, accounts with balances and credit limits that purchases debit, the price list as
// StatusUser relations, the certificate status progression (REQUESTEDCREATE, PENDINGCREATE, ACTIVE or
// FAILED; REQUESTEDREISSUE and PENDINGREISSUE; REQUESTEDRENEW and PENDINGRENEW, the renewed certificate
// becoming REPLACED; REVOKED), constructed approver addresses, DNS and HTTP-file validation instructions,
// and real certificates from its own CA, issued for the CSR's key with the ordered names. It is written
// independently of the hexonet client package and imports none of it, so the two cannot share a mistake.
//
// New creates a default account (DefaultLogin, DefaultPassword) in both entities with a balance of
// 1000.00 USD. Scenarios are set from Go (methods on *Sim) or, for a person driving the simulator
// through the service, by naming conventions:
//
// Domain names, by their first label (the scenario applies to every request about the name):
//
//	reject.example.com       the order fails (STATUS FAILED) when it would have been issued
//	polls5.example.com       issued on the 5th StatusSSLCert poll (polls0: at once); default 2
//	slow.example.com         every answer about the name waits Options.SlowDelay (default 3s)
//	late.example.com         CreateSSLCert buys at once and answers after Options.SlowDelay: a client
//	                         that gives up (or dies) meanwhile has still bought; QuerySSLCertList finds it
//	unavailable.example.com  the first CreateSSLCert answers HTTP 503; nothing is bought
//	malformed.example.com    the first CreateSSLCert answers a truncated body; nothing is bought
//	lost.example.com         the first CreateSSLCert buys the certificate but answers HTTP 502 (the
//	                         answer is lost; QuerySSLCertList finds the order)
//	nocredit.example.com     CreateSSLCert and RenewSSLCert answer 546 Credit limit exceeded
//
// Logins: "<login>+ipdenied" and "<login>+nocredit" with the password of <login> reach derived accounts,
// made on first use: the first is refused with 531 Authorization failed (IP address not allowed), the
// second has no balance and no credit. Any wrong password answers 530 Authentication failed, and so do
// the right credentials sent with the other environment's entity when the account exists only in one
// (Account.Entity).
//
// From Go: FailNext (HTTP 503), TemporaryErrorNext (421), MalformedNext, SetDelay for the next
// requests of any kind; SetPollsToIssue, Reject, SetSlow, FailCreates, MalformCreates, LoseCreates per
// name; AddAccount, SetIPDenied, SetPassword, SetBalance, SetCredit per account. Orders, Order,
// Purchases, Balance and Requests let tests check what happened, e.g. that exactly one purchase was
// made.
package hexonetsim
