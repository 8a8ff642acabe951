package enom

import (
	"strconv"
	"strings"
)

// Status is a certificate's state at Enom in the service's neutral terms.
type Status string

// The neutral states an Enom certificate can be in.
const (
	// StatusAwaitingConfiguration: bought, waiting for CertConfigureCert and CertPurchaseCert
	// (Enom "Awaiting Configuration").
	StatusAwaitingConfiguration Status = "awaiting_configuration"
	// StatusPending: submitted to the CA, validation under way ("Processing", "Approval Email Sent",
	// "Approved by Domain Owner").
	StatusPending Status = "pending"
	// StatusIssued: the certificate is issued and can be collected ("Certificate Issued", and the
	// hosting states "Pending Installation" and "Cert Installed").
	StatusIssued Status = "issued"
	// StatusRejected: the domain owner refused the approval ("Rejected by Customer"); the
	// certificate can be configured again.
	StatusRejected Status = "rejected"
	// StatusCancelled: Enom refunded the certificate ("Refunded - No Cert Issued", "Refunded - Cert
	// Issued"); nothing more will happen to it.
	StatusCancelled Status = "cancelled"
	// StatusExpired: issued and past its expiry (IsExpired is True).
	StatusExpired Status = "expired"
	// StatusUnknown: a value this table does not know, including the retired ids 3, 5 and 11.
	StatusUnknown Status = "unknown"
)

// statusRow is one upstream status: its CertStatusID, the texts Enom writes for it, and ours.
type statusRow struct {
	ID     int
	Texts  []string
	Status Status
}

// statusTable is the one mapping from Enom's CertStatusID and CertStatus text to Status
// (providers.md 1.7).
var statusTable = []statusRow{
	{ID: 1, Texts: []string{"Awaiting Configuration"}, Status: StatusAwaitingConfiguration},
	{ID: 2, Texts: []string{"Processing"}, Status: StatusPending},
	{ID: 4, Texts: []string{"Certificate Issued", "Cert Issued"}, Status: StatusIssued},
	{ID: 6, Texts: []string{"Rejected by Customer"}, Status: StatusRejected},
	{ID: 7, Texts: []string{"Refunded - No Cert Issued"}, Status: StatusCancelled},
	{ID: 8, Texts: []string{"Refunded - Cert Issued"}, Status: StatusCancelled},
	{ID: 9, Texts: []string{"Approval Email Sent"}, Status: StatusPending},
	{ID: 10, Texts: []string{"Approved by Domain Owner"}, Status: StatusPending},
	{ID: 12, Texts: []string{"Pending Installation"}, Status: StatusIssued},
	{ID: 13, Texts: []string{"Cert Installed"}, Status: StatusIssued},
	{ID: 3, Status: StatusUnknown},
	{ID: 5, Status: StatusUnknown},
	{ID: 11, Status: StatusUnknown},
}

// StatusOf maps Enom's CertStatusID and CertStatus text to a Status. The text decides when it is
// one Enom documents, because the vendor's own CertGetCerts sample pairs "Cert Issued" with id 7
// (a refund id) and WHMCS compares the text; otherwise the id decides. An expired issued
// certificate is StatusExpired.
func StatusOf(id string, text string, expired bool) Status {
	s := statusByText(text)
	if s == "" {
		s = statusByID(id)
	}
	if s == StatusIssued && expired {
		return StatusExpired
	}
	return s
}

func statusByText(text string) Status {
	t := normalizeStatusText(text)
	if t == "" {
		return ""
	}
	for _, row := range statusTable {
		for _, rt := range row.Texts {
			if normalizeStatusText(rt) == t {
				return row.Status
			}
		}
	}
	return ""
}

func statusByID(id string) Status {
	n, err := strconv.Atoi(strings.TrimSpace(id))
	if err != nil {
		return StatusUnknown
	}
	for _, row := range statusTable {
		if row.ID == n {
			return row.Status
		}
	}
	return StatusUnknown
}

// normalizeStatusText lower-cases and collapses spaces and dashes, so "Refunded-No Cert Issued" and
// "refunded - no cert issued" compare equal.
func normalizeStatusText(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "-", " "))
	return strings.Join(strings.Fields(s), " ")
}
