package sectigo

import (
	"strconv"
	"strings"
)

// Status is the neutral state of a Sectigo order or certificate that the adapter maps to the service's
// order lifecycle.
type Status string

// The statuses. Sectigo orders carry their CSR from the start, so there is no "awaiting configuration".
const (
	// StatusPending: placed and not issued yet (validation, payment or signing outstanding).
	StatusPending Status = "pending"
	// StatusIssued: the certificate is signed and can be collected.
	StatusIssued Status = "issued"
	// StatusRejected: Sectigo refused to issue (validation failed, CAA, pre-sign checks).
	StatusRejected Status = "rejected"
	// StatusCancelled: the order was cancelled or refunded.
	StatusCancelled Status = "cancelled"
	// StatusRevoked: the certificate was revoked.
	StatusRevoked Status = "revoked"
	// StatusExpired: the certificate's validity ended.
	StatusExpired Status = "expired"
	// StatusReplaced: a reissue replaced this certificate; the order lives on with the new one.
	StatusReplaced Status = "replaced"
	// StatusUnknown: a value this package does not know; the adapter treats it as needing attention.
	StatusUnknown Status = "unknown"
)

// Key prefixes of the status table for numeric values, which mean different things per source.
const (
	collectKey = "collectssl:" // CollectSSL errorCode
	pushKey    = "push:"       // statusCode of the certificate-issuance push notification
)

// statusTable is the one mapping of Sectigo's status values to Status: the certificateStatus and
// validation texts of CollectSSL and WebHostReport (compared case-insensitively with runs of space
// collapsed and trailing punctuation dropped), CollectSSL's errorCode, and the push status codes
// (providers.md 3.4, 3.7, 3.8).
func statusTable() map[string]Status {
	return map[string]Status{
		collectKey + "0":   StatusPending,  // being processed by Sectigo
		collectKey + "1":   StatusIssued,   // certificates available
		collectKey + "2":   StatusIssued,   // certificates attached
		collectKey + "-20": StatusRejected, // rejected or cancelled; the message tells which
		collectKey + "-21": StatusRevoked,
		collectKey + "-26": StatusPending, // being issued right now

		pushKey + "3":  StatusRejected, // pre-sign failed
		pushKey + "5":  StatusRejected, // post-sign failed
		pushKey + "6":  StatusIssued,   // valid
		pushKey + "7":  StatusRejected,
		pushKey + "8":  StatusRevoked,
		pushKey + "9":  StatusIssued, // issued but not yet collected
		pushKey + "12": StatusPending,
		pushKey + "14": StatusReplaced,

		"issued":                       StatusIssued,
		"valid":                        StatusIssued,
		"issued but not yet collected": StatusIssued,
		"certificates available":       StatusIssued,
		"certificates attached":        StatusIssued,

		"pending":                      StatusPending,
		"processing":                   StatusPending,
		"being processed":              StatusPending,
		"being processed by sectigo":   StatusPending,
		"being issued":                 StatusPending,
		"applied":                      StatusPending,
		"awaiting payment":             StatusPending,
		"payment required":             StatusPending,
		"awaiting validation":          StatusPending,
		"awaiting validation (brand)":  StatusPending,
		"awaiting brand validation":    StatusPending,
		"awaitingbrandvalidation":      StatusPending,
		"validated":                    StatusPending, // validation done, signing outstanding
		"not yet issued":               StatusPending,
		"verified":                     StatusPending,
		"phone number verified":        StatusPending,
		"click-through":                StatusPending,
		"ev click-through e-mail sent": StatusPending,

		"rejected":         StatusRejected,
		"declined":         StatusRejected,
		"failed":           StatusRejected,
		"pre-sign failed":  StatusRejected,
		"post-sign failed": StatusRejected,
		"caacheckfailed":   StatusRejected,

		"cancelled": StatusCancelled,
		"canceled":  StatusCancelled,
		"refunded":  StatusCancelled,

		"revoked":  StatusRevoked,
		"expired":  StatusExpired,
		"replaced": StatusReplaced,
	}
}

// StatusOf maps a status text of Sectigo (certificateStatus, validationStatus, certificateStatusDesc,
// a push statusDesc) to a Status. "Rejected: CAA not authorized" maps by the part before the colon.
// Unknown or empty text is StatusUnknown.
func StatusOf(raw string) Status {
	key := normalizeStatus(raw)
	if key == "" {
		return StatusUnknown
	}
	table := statusTable()
	if s, ok := table[key]; ok && !strings.Contains(key, ":") {
		return s
	}
	if i := strings.IndexByte(key, ':'); i > 0 {
		if s, ok := table[strings.TrimSpace(key[:i])]; ok {
			return s
		}
	}
	return StatusUnknown
}

// CollectStatus maps the errorCode of a CollectSSL answer to a Status; codes that are plain errors are
// StatusUnknown.
func CollectStatus(code int) Status {
	if s, ok := statusTable()[collectKey+strconv.Itoa(code)]; ok {
		return s
	}
	if code > 2 {
		return StatusIssued // a future "more attached" code is still an issued certificate
	}
	return StatusUnknown
}

// PushStatus maps the statusCode of Sectigo's certificate-issuance push notification to a Status.
func PushStatus(code int) Status {
	if s, ok := statusTable()[pushKey+strconv.Itoa(code)]; ok {
		return s
	}
	return StatusUnknown
}

// normalizeStatus lower-cases, collapses spaces and underscores, and drops trailing punctuation.
func normalizeStatus(raw string) string {
	s := strings.ToLower(strings.ReplaceAll(raw, "_", " "))
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRight(s, "!.;, ")
}

// collectOutcome decides the Status of a CollectSSL answer. The errorCode says whether a certificate is
// available; a certificateStatus text overrides it only for terminal states (a revoked or replaced
// certificate is still "available"). Code -20 means rejected or cancelled and the message tells which.
func collectOutcome(code int, certificateStatus, message string) Status {
	if code == -20 {
		low := strings.ToLower(message + " " + certificateStatus)
		if strings.Contains(low, "cancel") || strings.Contains(low, "refund") {
			return StatusCancelled
		}
		return StatusRejected
	}
	byCode := CollectStatus(code)
	switch text := StatusOf(certificateStatus); text {
	case StatusRejected, StatusCancelled, StatusRevoked, StatusExpired, StatusReplaced:
		return text
	}
	return byCode
}
