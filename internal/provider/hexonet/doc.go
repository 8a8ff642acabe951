// Package hexonet is the low-level wire client for the HEXONET (ISPAPI, now CentralNic Reseller) SSL
// reseller API: it posts commands as form fields (s_entity, s_login, s_pw and the command text in
// s_command) to /api/call.cgi on the live or OT&E host, parses the "[RESPONSE] ... EOF" answers with
// their indexed PROPERTY[NAME][INDEX] values into a generic Response and typed results, maps HEXONET's
// result codes to the provider error classes in one table and its certificate STATUS values to a small
// neutral set in another, and reports every HTTP exchange, redacted, to the call log. One method per
// command (StatusAccount, StatusUser, CreateSSLCert, StatusSSLCert, ParseSSLCertCSR,
// QuerySSLCertDCVEMailAddressList, ReissueSSLCert, RenewSSLCert, RevokeSSLCert, ResendSSLCertEmail,
// QuerySSLCertList). The provider adapter wraps this client; the simulator in hexonetsim speaks the
// same protocol without sharing any of this code.
package hexonet
