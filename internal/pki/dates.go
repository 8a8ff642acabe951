package pki

import "time"

// day is one calendar day in UTC, where the CA/Browser Forum counts validity; there is no daylight saving.
const day = 24 * time.Hour

// OrgVettingReuse is how long organisation (OV/EV) vetting can be reused for new certificates.
const OrgVettingReuse = 398 * day

// Period is one row of the industry dates table: the limits that apply to certificates issued on or after
// From (until the next row's From).
type Period struct {
	// From is the first instant (UTC) the row applies; the zero time for the first row.
	From time.Time
	// MaxValidity is the longest validity a certificate issued in this period may have.
	MaxValidity time.Duration
	// DCVReuse is how long a completed domain validation can be reused for a new certificate.
	DCVReuse time.Duration
}

// Schedule returns the industry dates table (CA/Browser Forum ballots SC-081, SC-090, SC-080), oldest row
// first. It is built on each call so no caller can change the rules for another.
func Schedule() []Period {
	return []Period{
		{From: time.Time{}, MaxValidity: 398 * day, DCVReuse: 398 * day},
		{From: date(2026, time.March, 15), MaxValidity: 200 * day, DCVReuse: 200 * day},
		{From: date(2027, time.March, 15), MaxValidity: 100 * day, DCVReuse: 100 * day},
		{From: date(2029, time.March, 15), MaxValidity: 47 * day, DCVReuse: 10 * day},
	}
}

// emailDCVEnd is when e-mail domain validation stops being accepted (SC-090).
func emailDCVEnd() time.Time { return date(2028, time.March, 15) }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// periodAt returns the row of Schedule that applies to a certificate issued at t.
func periodAt(t time.Time) Period {
	rows := Schedule()
	p := rows[0]
	for _, r := range rows[1:] {
		if t.Before(r.From) {
			break
		}
		p = r
	}
	return p
}

// MaxValidity is the longest validity of a certificate issued at issuedAt. A certificate's validity counts
// notBefore and notAfter inclusively, so notAfter is at most notBefore + MaxValidity - 1s.
func MaxValidity(issuedAt time.Time) time.Duration { return periodAt(issuedAt).MaxValidity }

// DCVReuse is how long a domain validation completed before issuedAt can be reused for a certificate issued
// at issuedAt.
func DCVReuse(issuedAt time.Time) time.Duration { return periodAt(issuedAt).DCVReuse }

// EmailDCVAllowed reports whether e-mail domain validation may be offered for a certificate issued at
// issuedAt; it is not from 2028-03-15 on.
func EmailDCVAllowed(issuedAt time.Time) bool { return issuedAt.Before(emailDCVEnd()) }
