package hexonet

import "strings"

// Status is a certificate's state in the service's neutral terms, mapped from HEXONET's STATUS by
// MapStatus.
type Status string

// The neutral statuses a HEXONET certificate can be in.
const (
	// StatusPending: requested at the supplier or waiting for validation (new, reissue or renewal).
	StatusPending Status = "pending"
	// StatusIssued: the certificate is issued and can be collected.
	StatusIssued Status = "issued"
	// StatusRejected: the request failed, e.g. the approval was not confirmed.
	StatusRejected Status = "rejected"
	// StatusRevoked: the certificate was revoked.
	StatusRevoked Status = "revoked"
	// StatusExpired: the certificate's validity ended.
	StatusExpired Status = "expired"
	// StatusReplaced: a renewal superseded this certificate; it was issued and stays valid until it
	// expires, but the renewal is now the current one.
	StatusReplaced Status = "replaced"
	// StatusUnknown: a value the table does not know; the caller should ask staff rather than guess.
	StatusUnknown Status = "unknown"
)

// statusTable maps HEXONET's SSL certificate STATUS values (wiki API:StatusSSLCert and the official
// module's handling) to the neutral set. REQUESTED* means the request is at the supplier, PENDING*
// that validation is under way; both are pending for the service. EXPIRED is not in HEXONET's
// documentation but is the natural end state; it is mapped in case it appears.
var statusTable = map[string]Status{
	"REQUESTED":        StatusPending,
	"REQUESTEDCREATE":  StatusPending,
	"PENDING":          StatusPending,
	"PENDINGCREATE":    StatusPending,
	"PROCESSING":       StatusPending,
	"REQUESTEDREISSUE": StatusPending,
	"PENDINGREISSUE":   StatusPending,
	"REQUESTEDRENEW":   StatusPending,
	"PENDINGRENEW":     StatusPending,
	"ACTIVE":           StatusIssued,
	"FAILED":           StatusRejected,
	"REVOKED":          StatusRevoked,
	"EXPIRED":          StatusExpired,
	"REPLACED":         StatusReplaced,
}

// MapStatus maps a raw HEXONET STATUS (any case, blanks ignored) to the neutral set; values the table
// does not know are StatusUnknown.
func MapStatus(raw string) Status {
	if s, ok := statusTable[strings.ToUpper(strings.TrimSpace(raw))]; ok {
		return s
	}
	return StatusUnknown
}

// ResendAllowed reports whether HEXONET accepts ResendSSLCertEmail in this raw status: while the
// request is at the supplier or pending validation (every REQUESTED* and PENDING* status).
func ResendAllowed(raw string) bool {
	s := strings.ToUpper(strings.TrimSpace(raw))
	return strings.HasPrefix(s, "REQUESTED") || strings.HasPrefix(s, "PENDING")
}
