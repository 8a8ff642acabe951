package sandbox

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// Submit checks a new request as a CA would and accepts it, pending validation. The reference is
// "sbx-" + req.Ref, so submitting the same reference again answers the same. Problems with the
// request are Invalid errors naming the field (see parse; also "ref", "period_months", "dcv_method",
// "approver_email").
func (a *Adapter) Submit(ctx context.Context, req provider.Request) (sub *provider.Submission, err error) {
	start := a.now()
	defer func() { err = a.record(ctx, "Submit", start, describeRequest(req), describeSubmission(sub), err) }()
	return a.accept(ctx, req, true)
}

// Reissue accepts a new CSR for the certificate of ref, with the same checks as Submit (the period is
// not needed). The new request has its own reference, "sbx-" + req.Ref, which must differ from ref.
// An unknown ref is a NotFound error.
func (a *Adapter) Reissue(ctx context.Context, ref string, req provider.Request) (sub *provider.Submission, err error) {
	start := a.now()
	defer func() {
		err = a.record(ctx, "Reissue", start, "of="+ref+" "+describeRequest(req), describeSubmission(sub), err)
	}()
	return a.follow(ctx, ref, req, false)
}

// Renew renews the certificate of ref natively: a new request for the period bought, with its own
// reference "sbx-" + req.Ref. The same checks as Submit apply; an unknown ref is a NotFound error.
func (a *Adapter) Renew(ctx context.Context, ref string, req provider.Request) (sub *provider.Submission, err error) {
	start := a.now()
	defer func() {
		err = a.record(ctx, "Renew", start, "of="+ref+" "+describeRequest(req), describeSubmission(sub), err)
	}()
	return a.follow(ctx, ref, req, true)
}

// follow accepts a request that follows the one of ref (a reissue or renewal).
func (a *Adapter) follow(ctx context.Context, ref string, req provider.Request, needPeriod bool) (*provider.Submission, error) {
	if _, ok := ourRef(ref); !ok {
		return nil, notFound(ref)
	}
	if refPrefix+req.Ref == ref {
		return nil, invalid("ref", "the new request needs a reference of its own, not the one of the certificate it replaces")
	}
	return a.accept(ctx, req, needPeriod)
}

// accept checks a request made now and answers its submission.
func (a *Adapter) accept(ctx context.Context, req provider.Request, needPeriod bool) (*provider.Submission, error) {
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	if err := checkRef(req.Ref); err != nil {
		return nil, err
	}
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	if needPeriod && !sellsPeriod(c.item, req.PeriodMonths) {
		return nil, invalid("period_months", "%s is sold for 12 or 24 months, not %d", c.item.Name, req.PeriodMonths)
	}
	if err := checkDCV(c.dcv, a.now()); err != nil {
		return nil, err
	}
	ref := refPrefix + req.Ref
	return &provider.Submission{Ref: ref, State: provider.StatePending,
		DCV: withInstructions(ref, c.dcv, func(string) string { return dcvPending })}, nil
}

// Status tells the state of a submitted request from the request itself, the time it was submitted
// and the settings: rejected when a name ends in reject_suffix; pending until approve_after has passed
// since q.SubmittedAt; then issued, with a certificate for the CSR's key and names starting at
// q.SubmittedAt + approve_after and lasting the period bought, capped by the industry dates table.
// Every poll of the same reference returns the same certificate. An unknown reference is a NotFound
// error; a request Submit would refuse is an Invalid error.
func (a *Adapter) Status(ctx context.Context, q provider.StatusQuery) (st *provider.Status, err error) {
	start := a.now()
	defer func() {
		err = a.record(ctx, "Status", start, fmt.Sprintf("ref=%s submitted_at=%s", q.Ref, q.SubmittedAt.UTC().Format(time.RFC3339)),
			describeStatus(st), err)
	}()
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	ref := q.Ref
	if ref == "" {
		ref = refPrefix + q.Request.Ref
	}
	if _, ok := ourRef(ref); !ok {
		return nil, notFound(ref)
	}
	c, err := parse(q.Request)
	if err != nil {
		return nil, err
	}
	if bad := a.rejectedNames(c.names); len(bad) > 0 {
		return &provider.Status{
			State:  provider.StateRejected,
			Reason: fmt.Sprintf("the sandbox rejects names ending in %s: %s", a.settings.rejectSuffix, strings.Join(bad, ", ")),
			DCV: withInstructions(ref, c.dcv, func(n string) string {
				if contains(bad, n) {
					return dcvFailed
				}
				return dcvPending
			}),
			Raw: "rejected",
		}, nil
	}
	if q.SubmittedAt.IsZero() {
		return nil, invalid("submitted_at", "the time of submission is required to tell the state of a sandbox request")
	}
	approveAt := q.SubmittedAt.Add(a.settings.approveAfter)
	if a.now().Before(approveAt) {
		return &provider.Status{
			State: provider.StatePending,
			DCV:   withInstructions(ref, c.dcv, func(string) string { return dcvPending }),
			Raw:   "pending validation until " + approveAt.UTC().Format(time.RFC3339),
		}, nil
	}
	certPEM, chainPEM, serial, err := a.certificate(ref, c, approveAt, q.Request.PeriodMonths)
	if err != nil {
		return nil, err
	}
	return &provider.Status{
		State:    provider.StateIssued,
		DCV:      withInstructions(ref, c.dcv, func(string) string { return dcvValid }),
		CertPEM:  certPEM,
		ChainPEM: chainPEM,
		Raw:      "issued serial " + serial,
	}, nil
}

// rejectedNames returns the names that end in the reject suffix.
func (a *Adapter) rejectedNames(names []string) []string {
	if a.settings.rejectSuffix == "" {
		return nil
	}
	var bad []string
	for _, n := range names {
		if strings.HasSuffix(n, a.settings.rejectSuffix) {
			bad = append(bad, n)
		}
	}
	return bad
}

// certificate issues the certificate of the submission ref: validity from issuedAt (truncated to the
// second) for the period bought, capped by pki.MaxValidity; the validation level of the item. It
// returns the certificate, the chain (the intermediate) and the serial in lower-case hex.
func (a *Adapter) certificate(ref string, c *checked, issuedAt time.Time, months int) (certPEM, chainPEM []byte, serial string, err error) {
	notBefore := issuedAt.UTC().Truncate(time.Second)
	var validity time.Duration // zero asks for the maximum
	if months > 0 {
		validity = notBefore.AddDate(0, months, 0).Sub(notBefore)
	}
	issued, err := a.ca.Issue(pki.IssueRequest{CSR: c.info.Request, Names: c.names, NotBefore: notBefore,
		Validity: validity, Validation: pki.Validation(c.item.Validation), Organization: c.org})
	if err != nil {
		return nil, nil, "", issueError(err)
	}
	sn := serialFor(ref, c.info.PublicKeySHA256)
	der, err := a.stableCert(issued.CertPEM, sn)
	if err != nil {
		return nil, nil, "", err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), issued.ChainPEM, pki.SerialHex(sn), nil
}

// stableCert signs the certificate pki issued again with the given serial. pki.CA.Issue picks a
// random serial, but the sandbox keeps no record of what it issued and answers every poll from the
// request, so it makes the serial from the reference instead; and it signs deterministically
// (RFC 6979, a nil random source for the ECDSA intermediate), so every poll returns the same bytes.
func (a *Adapter) stableCert(certPEM []byte, serial *big.Int) ([]byte, error) {
	certs, err := pki.ParseCertificatesPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("sandbox: issue: %w", err)
	}
	tmpl := *certs[0]
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(nil, &tmpl, a.inter, certs[0].PublicKey, a.interKey)
	if err != nil {
		return nil, fmt.Errorf("sandbox: issue: %w", err)
	}
	return der, nil
}

// serialFor derives a certificate serial from the submission reference and the key it certifies:
// 16 bytes of a SHA-256, the top bit cleared (positive in DER without padding) and the next set (always
// 32 hex digits). The same reference and key give the same serial; a reissue has its own reference.
func serialFor(ref, keySHA256 string) *big.Int {
	sum := sha256.Sum256([]byte("sandbox serial\x00" + ref + "\x00" + keySHA256))
	b := sum[:16]
	b[0] = b[0]&0x7f | 0x40
	return new(big.Int).SetBytes(b)
}

// issueError maps a pki issuing problem onto our fields.
func issueError(err error) error {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) == 0 {
		return err
	}
	switch e.Fields[0].Field {
	case "not_before":
		return fromPKI(err, "submitted_at")
	case "names":
		return fromPKI(err, "domains")
	case "organization":
		return fromPKI(err, "contacts.organization.name")
	}
	return fromPKI(err, "")
}

// describeSubmission summarises a submission for the call log.
func describeSubmission(s *provider.Submission) string {
	if s == nil {
		return ""
	}
	return fmt.Sprintf("ref=%s state=%s dcv=%s", s.Ref, s.State, describeDCV(s.DCV))
}

// describeStatus summarises a status for the call log; the certificate is named by its serial.
func describeStatus(s *provider.Status) string {
	if s == nil {
		return ""
	}
	out := fmt.Sprintf("state=%s raw=%q dcv=%s", s.State, s.Raw, describeDCV(s.DCV))
	if s.Reason != "" {
		out += fmt.Sprintf(" reason=%q", s.Reason)
	}
	return out
}
