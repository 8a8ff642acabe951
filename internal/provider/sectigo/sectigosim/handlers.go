package sectigosim

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// params are a request's arguments, keyed by lower-cased name (Sectigo matches names case-insensitively).
type params map[string][]string

func (p params) get(name string) string {
	if v := p[strings.ToLower(name)]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

func (p params) has(name string) bool { return len(p[strings.ToLower(name)]) > 0 }

// outcome is an endpoint's answer plus how to deliver it.
type outcome struct {
	a         answer
	delay     time.Duration
	status    int  // non-zero: answer with this HTTP status and an HTML page instead
	malformed bool // answer 200 with an HTML page instead
}

func reply(a answer) outcome { return outcome{a: a} }

// endpoint describes one API endpoint.
type endpoint struct {
	name          string
	args          []string // accepted arguments besides the login
	login         bool     // needs loginName and loginPassword
	allowGET      bool
	acceptsFormat bool // accepts responseFormat (0 newline, 1 URL-encoded)
	nativeForm    bool // answers URL-encoded whatever is asked
	run           func(s *Sim, acct *Account, p params) outcome
}

func endpoints() map[string]endpoint {
	list := []endpoint{
		{name: "AutoApplySSL", login: true, acceptsFormat: true, run: (*Sim).apply, args: []string{
			"product", "days", "years", "csr", "serverSoftware", "isCustomerValidated", "dcvMethod", "dcvEmailAddress",
			"uniqueValue", "showCertificateID", "test", "foreignOrderNumber", "prioritiseCSRValues", "domainNames",
			"primaryDomainName", "appRepEmailAddress", "appRepForename", "appRepSurname", "appRepTelephone", "appRepTitle",
			"organizationName", "organizationalUnitName", "postOfficeBox", "streetAddress1", "streetAddress2",
			"streetAddress3", "localityName", "stateOrProvinceName", "postalCode", "countryName", "companyNumber",
			"emailAddress"}},
		{name: "CollectSSL", login: true, acceptsFormat: true, run: (*Sim).collect, args: []string{
			"orderNumber", "certificateID", "baseOrderNumber", "queryType", "responseType", "responseEncoding",
			"showValidityPeriod", "showFQDN", "showExtStatus", "showStatusDetails", "showMDCDomainDetails",
			"showMDCDomainDetails2"}},
		{name: "GetDCVEmailAddressList", login: true, run: (*Sim).emails, args: []string{"domainName", "responseFormat"}},
		{name: "DecodeCSR", allowGET: true, run: func(s *Sim, _ *Account, p params) outcome { return s.decode(p) }, args: []string{
			"csr", "responseFormat", "showErrorCodes", "showErrorMessages", "showFieldNames", "showEmptyFields", "showCN",
			"showAddress", "showPublicKey", "showKeySize", "showSANDNSNames", "showCSR", "showCSRHashes",
			"showCSRHashes2", "showSignatureAlgorithm", "countryNameType", "product"}},
		{name: "AutoReplaceSSL", login: true, acceptsFormat: true, run: (*Sim).replace, args: []string{
			"orderNumber", "csr", "serverSoftware", "dcvMethod", "dcvEmailAddress", "uniqueValue", "exactOrder",
			"showCertificateID", "isCustomerValidated"}},
		{name: "AutoRevokeSSL", login: true, acceptsFormat: true, run: (*Sim).revoke, args: []string{
			"orderNumber", "certificateID", "serialNumber", "revocationReason", "test"}},
		{name: "AutoRefund", login: true, acceptsFormat: true, run: (*Sim).refund, args: []string{"orderNumber", "refundReasonCode"}},
		{name: "AutoUpdateDCV", login: true, nativeForm: true, run: (*Sim).updateDCV, args: []string{
			"orderNumber", "baseOrderNumber", "domainName", "domainNames", "newMethod", "newMethods", "newDCVEmailAddress",
			"newDCVEmailAddresses"}},
		{name: "ResendDCVEmail", login: true, nativeForm: true, run: (*Sim).resend, args: []string{
			"orderNumber", "baseOrderNumber", "dcvEmailAddress", "dcvTemplateID"}},
		{name: "AutoAuthorize", login: true, acceptsFormat: true, run: (*Sim).authorize, args: []string{"orderNumber", "test", "disableSWP"}},
		{name: "WebHostReport", login: true, nativeForm: true, run: (*Sim).report, args: []string{
			"notBefore", "notAfter", "firstResultNo", "lastResultNo", "organizationName", "fqdn", "orderNumber",
			"foreignOrderNumber", "certificateID", "showCertificateID", "showExtStatus", "showStatusDetails",
			"showAdditionalDomains", "showSignatureAlgorithm", "showCost", "expireNotBefore", "expireNotAfter",
			"showOldItems", "showAssociatedOrders"}},
	}
	m := map[string]endpoint{}
	for _, e := range list {
		path := "!" + e.name
		if e.name == "CollectSSL" {
			path = "download/CollectSSL"
		}
		m[strings.ToLower(path)] = e
	}
	return m
}

func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/products/")
	ep, found := endpoints()[strings.ToLower(rest)]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.requests[ep.name]++
	delay := s.delay
	fail, failStatus := s.failNext > 0, s.failStatus
	if fail {
		s.failNext--
	}
	malform := !fail && s.malformNext > 0
	if malform {
		s.malformNext--
	}
	s.mu.Unlock()
	if !sleep(r, delay) {
		return
	}
	switch {
	case fail:
		writeHTML(w, failStatus, unavailablePage)
		return
	case malform:
		writeHTML(w, http.StatusOK, garbledPage)
		return
	}

	if err := r.ParseForm(); err != nil {
		writeAnswer(w, formatLines, errCode(-14, "An unknown error occurred!"))
		return
	}
	p := params{}
	var names []string
	for k, v := range r.Form {
		lk := strings.ToLower(k)
		if _, seen := p[lk]; !seen {
			names = append(names, k)
		}
		p[lk] = append(p[lk], v...)
	}
	sort.Strings(names)

	format := formatLines
	if ep.nativeForm {
		format = formatForm
	}
	codeKey := func(a answer) answer {
		if ep.name == "WebHostReport" {
			a.codeKey, a.messageKey = "error_code", "error_message"
		}
		return a
	}
	if ep.acceptsFormat && p.has("responseFormat") {
		switch p.get("responseFormat") {
		case "0":
			format = formatLines
		case "1":
			format = formatForm
		default:
			writeAnswer(w, format, errInvalid("responseFormat"))
			return
		}
	}
	if r.Method != http.MethodPost && !(ep.allowGET && r.Method == http.MethodGet) {
		writeAnswer(w, format, codeKey(errCode(-17, "The request must use the POST method!")))
		return
	}
	if s.opts.RequireHTTPS && r.TLS == nil {
		writeAnswer(w, format, codeKey(errCode(-1, "Request was not made over https!")))
		return
	}
	allowed := map[string]bool{}
	for _, a := range ep.args {
		allowed[strings.ToLower(a)] = true
	}
	if ep.login {
		allowed["loginname"], allowed["loginpassword"] = true, true
	}
	if ep.acceptsFormat {
		allowed["responseformat"] = true
	}
	for _, n := range names {
		if !allowed[strings.ToLower(n)] {
			writeAnswer(w, format, codeKey(errUnrecognised(n)))
			return
		}
	}
	var acct *Account
	if ep.login {
		for _, arg := range []string{"loginName", "loginPassword"} {
			if p.get(arg) == "" {
				writeAnswer(w, format, codeKey(errMissing(arg)))
				return
			}
		}
		s.mu.Lock()
		a, known := s.accounts[p[strings.ToLower("loginName")][0]]
		if known && a.LoginPassword == p[strings.ToLower("loginPassword")][0] && !a.IPBlocked {
			acct = a
		}
		s.mu.Unlock()
		if acct == nil {
			writeAnswer(w, format, codeKey(errCode(-16, "Incorrect login details, account is locked, password has expired, or your source IP is blocked!")))
			return
		}
	}
	out := ep.run(s, acct, p)
	if !sleep(r, out.delay) {
		return
	}
	switch {
	case out.status != 0:
		writeHTML(w, out.status, unavailablePage)
	case out.malformed:
		writeHTML(w, http.StatusOK, garbledPage)
	default:
		writeAnswer(w, format, codeKey(out.a))
	}
}

// sleep waits d unless the client goes away; it reports whether to go on.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func writeHTML(w http.ResponseWriter, status int, page string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(page))
}

// product is the simulator's own idea of Sectigo's products: level, wildcard, multi-domain, yearly cost.
type product struct {
	level    pki.Validation
	wildcard bool
	multi    bool
	trial    bool
	yearly   int64 // minor units
}

func products() map[int]product {
	dv, ov, ev := pki.ValidationDV, pki.ValidationOV, pki.ValidationEV
	return map[int]product{
		291: {level: dv, trial: true},
		287: {level: dv, yearly: 1000}, 330: {level: dv, yearly: 1500}, 488: {level: dv, yearly: 2000}, 749: {level: dv, yearly: 2500},
		289: {level: dv, wildcard: true, yearly: 6000}, 331: {level: dv, wildcard: true, yearly: 7000},
		489: {level: dv, wildcard: true, yearly: 8000}, 750: {level: dv, wildcard: true, yearly: 9000},
		279: {level: dv, multi: true, yearly: 3000}, 492: {level: dv, multi: true, yearly: 3500}, 751: {level: dv, multi: true, yearly: 4000},
		7: {level: ov, yearly: 4000}, 316: {level: ov, yearly: 4500}, 63: {level: ov, yearly: 5000},
		35: {level: ov, wildcard: true, yearly: 12000}, 322: {level: ov, wildcard: true, yearly: 13000},
		361: {level: ov, multi: true, yearly: 9000}, 583: {level: ov, multi: true, yearly: 9500},
		556: {level: ev, yearly: 8000}, 567: {level: ev, yearly: 9000}, 337: {level: ev, yearly: 10000},
		557: {level: ev, multi: true, yearly: 15000}, 568: {level: ev, multi: true, yearly: 16000}, 410: {level: ev, multi: true, yearly: 17000},
	}
}

// Multi-domain products include three names; each further name costs this much per year.
const (
	mdcIncluded  = 3
	mdcMaxNames  = 250
	mdcExtraName = 1000
)

func (p product) cost(days, names int) int64 {
	years := int64((days + 364) / 365)
	c := p.yearly * years
	if p.multi && names > mdcIncluded {
		c += int64(names-mdcIncluded) * mdcExtraName * years
	}
	return c
}

func money(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

// companion is the name Sectigo adds free to a single-name certificate: www. for a bare name, the bare
// name for www. and for a wildcard.
func companion(cn string) string {
	switch {
	case strings.HasPrefix(cn, "*."):
		return cn[2:]
	case strings.HasPrefix(cn, "www."):
		return cn[4:]
	}
	return "www." + cn
}

// scenario reads the naming conventions of the package doc from an order's first name.
type scenario struct {
	reject, pending, slow, malformed, lost, unavailable, issuing, noCredit bool
	polls                                                                  int // from "pollsN."
}

func scenarioOf(name string) scenario {
	var sc scenario
	label, _, _ := strings.Cut(strings.TrimPrefix(name, "*."), ".")
	switch label {
	case "reject":
		sc.reject = true
	case "pending":
		sc.pending = true
	case "slow":
		sc.slow = true
	case "malformed":
		sc.malformed = true
	case "lost":
		sc.lost = true
	case "unavailable":
		sc.unavailable = true
	case "issuing":
		sc.issuing = true
	case "nocredit":
		sc.noCredit = true
	default:
		if n, err := strconv.Atoi(strings.TrimPrefix(label, "polls")); err == nil && strings.HasPrefix(label, "polls") && n >= 0 {
			sc.polls = n
		}
	}
	return sc
}

func (s *Sim) slowDelay(o *order) time.Duration {
	if len(o.Names) > 0 && scenarioOf(o.Names[0]).slow {
		return s.opts.SlowDelay
	}
	return 0
}

func validMethod(m string) bool {
	switch m {
	case "EMAIL", "HTTP_CSR_HASH", "HTTPS_CSR_HASH", "CNAME_CSR_HASH":
		return true
	}
	return false
}

// approverFor reports whether addr is a constructed approver address of one of names.
func approverFor(addr string, names []string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	for _, n := range names {
		l2, l3 := approverAddresses(n)
		for _, a := range append(l2, l3...) {
			if a == addr {
				return true
			}
		}
	}
	return false
}

func (s *Sim) apply(acct *Account, p params) outcome {
	for _, arg := range []string{"product", "csr", "serverSoftware"} {
		if p.get(arg) == "" {
			return reply(errMissing(arg))
		}
	}
	code, err := strconv.Atoi(p.get("product"))
	prod, known := products()[code]
	if err != nil || !known {
		return reply(errInvalid("product"))
	}
	if _, err := strconv.Atoi(p.get("serverSoftware")); err != nil {
		return reply(errInvalid("serverSoftware"))
	}
	days := 0
	switch {
	case p.get("days") != "":
		days, _ = strconv.Atoi(p.get("days"))
	case p.get("years") != "":
		y, _ := strconv.Atoi(p.get("years"))
		days = y * 365
	default:
		return reply(errMissing("days"))
	}
	if days < 1 || days > 1096 || prod.trial && days > 90 {
		return reply(errCode(-115, fmt.Sprintf("No price found for product %d for %d days!", code, days)))
	}
	req, bad := readCSR(p.get("csr"))
	if bad != nil {
		return reply(*bad)
	}
	var names []string
	if prod.multi {
		names = req.names
		if list := p.get("domainNames"); list != "" {
			names = uniqueNames(strings.Split(list, ","))
		}
		if primary := strings.ToLower(p.get("primaryDomainName")); primary != "" {
			found := false
			for i, n := range names {
				if n == primary {
					names = append(append([]string{primary}, names[:i]...), names[i+1:]...)
					found = true
					break
				}
			}
			if !found {
				return reply(errInvalid("primaryDomainName"))
			}
		}
		if len(names) > mdcMaxNames {
			return reply(errInvalid("domainNames"))
		}
	} else {
		names = []string{req.cn, companion(req.cn)}
	}
	for _, n := range names {
		if !validDomain(n) {
			return reply(errInvalid("domainNames"))
		}
		wild := strings.HasPrefix(n, "*.")
		if wild && !prod.wildcard && !prod.multi {
			return reply(errCode(-5, "The CSR contains a wildcard domain name but the product is not a wildcard certificate!"))
		}
	}
	if prod.wildcard && !strings.HasPrefix(names[0], "*.") {
		return reply(errCode(-6, "The product requires a wildcard Common Name in the CSR!"))
	}
	sc := scenarioOf(names[0])

	method := strings.ToUpper(p.get("dcvMethod"))
	if method == "" {
		method = "EMAIL"
	}
	if !validMethod(method) {
		return reply(errInvalid("dcvMethod"))
	}
	email := strings.ToLower(p.get("dcvEmailAddress"))
	if method == "EMAIL" {
		if !pki.EmailDCVAllowed(s.now()) {
			return reply(errInvalid("dcvMethod"))
		}
		if email == "" {
			return reply(errMissing("dcvEmailAddress"))
		}
		if !approverFor(email, names) {
			return reply(errInvalid("dcvEmailAddress"))
		}
	}
	org := pki.Subject{Organization: p.get("organizationName"), Country: strings.ToUpper(p.get("countryName")),
		Province: p.get("stateOrProvinceName"), Locality: p.get("localityName")}
	if org.Organization == "" || strings.EqualFold(p.get("prioritiseCSRValues"), "Y") && len(req.csr.Subject.Organization) > 0 {
		if len(req.csr.Subject.Organization) > 0 {
			org.Organization = req.csr.Subject.Organization[0]
		}
		if len(req.csr.Subject.Country) > 0 {
			org.Country = strings.ToUpper(req.csr.Subject.Country[0])
		}
	}
	if prod.level != pki.ValidationDV {
		if org.Organization == "" {
			return reply(errMissing("organizationName"))
		}
		if len(org.Country) != 2 {
			return reply(errCode(-7, fmt.Sprintf("'%s' is not a valid ISO-3166 country!", org.Country)))
		}
	}
	test := strings.EqualFold(p.get("test"), "Y")

	s.mu.Lock()
	defer s.mu.Unlock()
	if sc.unavailable && !s.triedNames[names[0]] {
		s.triedNames[names[0]] = true
		return outcome{status: http.StatusServiceUnavailable}
	}
	cost := prod.cost(days, len(names))
	paid := true
	resultCode := 0
	switch {
	case test:
	case sc.noCredit:
		return reply(errCode(-15, "Not enough credit!"))
	case acct.PayLater:
		paid, resultCode = false, 1
	case acct.Balance < cost:
		return reply(errCode(-15, "Not enough credit!"))
	default:
		acct.Balance -= cost
	}
	unique := p.get("uniqueValue")
	if unique == "" {
		unique = randomString(10)
	}
	issueAfter := s.opts.IssueAfterPolls
	if n, ok := s.issueAfter[names[0]]; ok {
		issueAfter = n
	} else if strings.HasPrefix(strings.TrimPrefix(names[0], "*."), "polls") {
		issueAfter = sc.polls
	}
	if sc.pending {
		issueAfter = -1
	}
	o := &order{Order: Order{
		OrderNumber: s.newOrderNumber(), ForeignOrderNumber: p.get("foreignOrderNumber"), Account: acct.LoginName,
		Product: code, Days: days, Names: names, Test: test, Paid: paid, Cost: cost,
		State: StateAwaitingValidation, Placed: s.now().UTC().Truncate(time.Second),
	}, issueAfter: issueAfter, baseIssue: issueAfter, validation: prod.level, org: org, csrs: []*request{req}}
	o.Certificates = []Certificate{{CertificateID: s.newCertificateID(), State: StateAwaitingValidation,
		DCVMethod: method, UniqueValue: unique, CSR: req.pemText}}
	s.orders = append(s.orders, o)

	a := answer{code: resultCode}
	a.form = append(a.form, pair{"orderNumber", o.OrderNumber})
	if strings.EqualFold(p.get("showCertificateID"), "Y") {
		a.form = append(a.form, pair{"certificateID", o.Certificates[0].CertificateID})
	}
	a.form = append(a.form, pair{"totalCost", money(cost)}, pair{"expectedDeliveryTime", "1"}, pair{"uniqueValue", unique})
	a.lines = []string{o.OrderNumber, money(cost), "1", unique}
	if strings.EqualFold(p.get("showCertificateID"), "Y") {
		a.lines = append(a.lines, o.Certificates[0].CertificateID)
	}
	out := outcome{a: a, delay: s.slowDelay(o)}
	switch {
	case sc.lost:
		out.status = http.StatusBadGateway
	case sc.malformed:
		out.malformed = true
	}
	return out
}

// progress advances a pending order by one CollectSSL poll; the caller holds the lock. It returns true
// when this poll should answer -26 (being issued).
func (s *Sim) progress(o *order) (busy bool) {
	if o.State != StateAwaitingValidation {
		return false
	}
	o.Polls++
	if !o.Paid || o.issueAfter < 0 || o.Test && !s.opts.IssueTestOrders || o.Polls < o.issueAfter {
		return false
	}
	sc := scenarioOf(o.Names[0])
	if reason, ok := s.reject[o.Names[0]]; ok || sc.reject {
		if reason == "" {
			reason = "Domain control validation failed"
		}
		s.rejectOrder(o, reason)
		return false
	}
	if sc.issuing && !o.sentBusy {
		o.sentBusy = true
		return true
	}
	s.issue(o)
	return false
}

// issue signs the order's current certificate with the simulator CA; the caller holds the lock.
func (s *Sim) issue(o *order) {
	c := &o.Certificates[o.current]
	req := o.csrs[o.current]
	issued, err := s.ca.Issue(pki.IssueRequest{CSR: req.csr, Names: o.Names, NotBefore: s.now(),
		Validity: time.Duration(o.Days) * 24 * time.Hour, Validation: o.validation, Organization: o.org})
	if err != nil {
		s.rejectOrder(o, "The certificate could not be signed: "+err.Error())
		return
	}
	c.State, c.Serial, c.NotBefore, c.NotAfter = StateIssued, issued.Serial, issued.NotBefore, issued.NotAfter
	c.CertPEM, c.ChainPEM = issued.CertPEM, issued.ChainPEM
	for i := range o.Certificates {
		if i != o.current && o.Certificates[i].State == StateIssued {
			o.Certificates[i].State = StateReplaced
		}
	}
	o.State = StateIssued
}

func (s *Sim) ownOrder(acct *Account, p params, args ...string) (*order, *answer) {
	for _, arg := range args {
		if ref := p.get(arg); ref != "" {
			o := s.findOrder(ref)
			if o == nil || o.Account != acct.LoginName {
				a := errInvalid(arg)
				return nil, &a
			}
			return o, nil
		}
	}
	a := errMissing(args[0])
	return nil, &a
}

func stateText(o *order) string {
	switch o.State {
	case StateIssued:
		return "Issued"
	case StateRejected:
		return "Rejected: " + o.RejectReason
	case StateCancelled:
		return "Cancelled"
	case StateRevoked:
		return "Revoked"
	}
	if !o.Paid {
		return "Awaiting Payment"
	}
	return "Awaiting Validation"
}

func (s *Sim) collect(acct *Account, p params) outcome {
	if p.get("queryType") == "" {
		return reply(errMissing("queryType"))
	}
	qt, err := strconv.Atoi(p.get("queryType"))
	if err != nil || qt < 0 || qt > 3 {
		return reply(errInvalid("queryType"))
	}
	rt := 3
	if p.get("responseType") != "" {
		rt, err = strconv.Atoi(p.get("responseType"))
		if err != nil || (rt != 2 && rt != 3) {
			return reply(errInvalid("responseType")) // ZIP and Netscape sequences are not simulated
		}
	}
	if enc := p.get("responseEncoding"); enc != "" && enc != "0" {
		return reply(errInvalid("responseEncoding"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, bad := s.ownOrder(acct, p, "orderNumber", "certificateID", "baseOrderNumber")
	if bad != nil {
		return reply(*bad)
	}
	delay := s.slowDelay(o)
	if s.progress(o) {
		return outcome{a: errCode(-26, "The certificate is currently being issued!"), delay: delay}
	}
	switch o.State {
	case StateRejected:
		return outcome{a: errCode(-20, "The certificate request has been rejected ("+o.RejectReason+")!"), delay: delay}
	case StateCancelled:
		return outcome{a: errCode(-20, "The order has been cancelled!"), delay: delay}
	case StateRevoked:
		return outcome{a: errCode(-21, "The certificate has been revoked!"), delay: delay}
	}
	c := o.Certificates[o.current]
	a := answer{code: 0}
	if o.State == StateIssued {
		a.code = 1
		if qt > 0 {
			a.code = 2
		}
	}
	a.form = []pair{{"orderNumber", o.OrderNumber}}
	if strings.EqualFold(p.get("showExtStatus"), "Y") || strings.EqualFold(p.get("showStatusDetails"), "Y") {
		validation, dcv := "Awaiting Validation", "0"
		if o.State == StateIssued {
			validation, dcv = "Validated", "1"
		}
		a.form = append(a.form, pair{"certificateStatus", stateText(o)}, pair{"validationStatus", validation},
			pair{"dcvStatus", dcv}, pair{"csrStatus", "1"})
	}
	if strings.EqualFold(p.get("showValidityPeriod"), "Y") && o.State == StateIssued {
		a.form = append(a.form, pair{"notBefore", strconv.FormatInt(c.NotBefore.Unix(), 10)},
			pair{"notAfter", strconv.FormatInt(c.NotAfter.Unix(), 10)})
	}
	if strings.EqualFold(p.get("showFQDN"), "Y") {
		a.form = append(a.form, pair{"fqdn", o.Names[0]})
	}
	if o.State == StateIssued && qt > 0 {
		leaf := derOf(c.CertPEM)
		cas := [][]byte{derOf(s.ca.RootPEM()), derOf(c.ChainPEM)} // Sectigo may send the root first
		if rt == 2 {
			p7, err := pki.PKCS7(append([][]byte{leaf}, cas...)...)
			if err != nil {
				return reply(errCode(-14, "An unknown error occurred!"))
			}
			a.form = append(a.form, pair{"pkcs7", base64.StdEncoding.EncodeToString(p7)})
		} else {
			if qt == 1 || qt == 2 {
				a.form = append(a.form, pair{"certificate", base64.StdEncoding.EncodeToString(leaf)})
				a.lines = append(a.lines, strings.Split(strings.TrimSpace(string(c.CertPEM)), "\n")...)
			}
			if qt == 1 || qt == 3 {
				for _, ca := range cas {
					a.form = append(a.form, pair{"caCertificate", base64.StdEncoding.EncodeToString(ca)})
				}
				a.lines = append(a.lines, strings.Split(strings.TrimSpace(string(c.ChainPEM)), "\n")...)
				a.lines = append(a.lines, strings.Split(strings.TrimSpace(string(s.ca.RootPEM())), "\n")...)
			}
		}
	}
	return outcome{a: a, delay: delay}
}

func derOf(pemBytes []byte) []byte {
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil
	}
	return b.Bytes
}

func (s *Sim) emails(_ *Account, p params) outcome {
	d := strings.TrimPrefix(strings.ToLower(p.get("domainName")), "*.")
	if d == "" {
		return reply(errMissing("domainName"))
	}
	if !validDomain(d) {
		return reply(errInvalid("domainName"))
	}
	l2, l3 := approverAddresses(d)
	var b strings.Builder
	b.WriteString("0\ndomain_name\t" + d + "\n")
	for _, a := range l2 {
		b.WriteString("level2_email\t" + a + "\n")
	}
	for _, a := range l3 {
		b.WriteString("level3_email\t" + a + "\n")
	}
	return reply(answer{raw: b.String()})
}

func (s *Sim) decode(p params) outcome {
	csrText := p.get("csr")
	if csrText == "" {
		return reply(answer{raw: "1\n-3\tThe 'csr' argument is missing!\n"})
	}
	if f := p.get("responseFormat"); f != "" && f != "0" {
		return reply(answer{raw: "1\n-4\tThe value of the 'responseFormat' argument is invalid!\n"})
	}
	req, bad := readCSR(csrText)
	if bad != nil {
		return reply(answer{raw: fmt.Sprintf("1\n%d\t%s\n", bad.code, bad.message)})
	}
	subj := req.csr.Subject
	first := func(v []string) string {
		if len(v) > 0 {
			return v[0]
		}
		return ""
	}
	fields := []pair{{"CN", req.cn}, {"OU", first(subj.OrganizationalUnit)}, {"O", first(subj.Organization)},
		{"POBox", ""}}
	for i := 0; i < 3; i++ {
		street := ""
		if i < len(subj.StreetAddress) {
			street = subj.StreetAddress[i]
		}
		fields = append(fields, pair{"STREET", street})
	}
	fields = append(fields, pair{"L", first(subj.Locality)}, pair{"S", first(subj.Province)},
		pair{"PostalCode", first(subj.PostalCode)}, pair{"C", first(subj.Country)}, pair{"Email", ""}, pair{"Phone", ""})
	if strings.EqualFold(p.get("showKeySize"), "Y") {
		fields = append(fields, pair{"KeySize", strconv.Itoa(req.keySize)})
	}
	if strings.EqualFold(p.get("showSANDNSNames"), "Y") {
		fields = append(fields, pair{"dnsName(s)", strings.Join(uniqueNames(req.csr.DNSNames), ",")})
	}
	if strings.EqualFold(p.get("showCSRHashes"), "Y") {
		fields = append(fields, pair{"md5", strings.ToUpper(md5Hex(req.der))}, pair{"sha1", strings.ToUpper(sha1Hex(req.der))})
	}
	if strings.EqualFold(p.get("showSignatureAlgorithm"), "Y") {
		fields = append(fields, pair{"SignatureAlgorithm", req.csr.SignatureAlgorithm.String()})
	}
	showEmpty := !strings.EqualFold(p.get("showEmptyFields"), "N")
	var b strings.Builder
	b.WriteString("0\n")
	for _, f := range fields {
		if f.v == "" && !showEmpty {
			continue
		}
		b.WriteString(f.k + "=" + f.v + "\n")
	}
	return reply(answer{raw: b.String()})
}

func (s *Sim) replace(acct *Account, p params) outcome {
	for _, arg := range []string{"orderNumber", "csr", "serverSoftware"} {
		if p.get(arg) == "" {
			return reply(errMissing(arg))
		}
	}
	req, bad := readCSR(p.get("csr"))
	if bad != nil {
		return reply(*bad)
	}
	method := strings.ToUpper(p.get("dcvMethod"))
	if method != "" && !validMethod(method) {
		return reply(errInvalid("dcvMethod"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, badOrder := s.ownOrder(acct, p, "orderNumber")
	if badOrder != nil {
		return reply(*badOrder)
	}
	switch o.State {
	case StateRejected, StateCancelled:
		return reply(errCode(-20, "The order has already been rejected or cancelled!"))
	case StateRevoked:
		return reply(errCode(-21, "The certificate has already been revoked!"))
	}
	prod := products()[o.Product]
	if !prod.multi && req.cn != o.Names[0] {
		return reply(errInvalid("csr"))
	}
	prev := o.Certificates[o.current]
	if method == "" {
		method = prev.DCVMethod
	}
	if method == "EMAIL" {
		email := p.get("dcvEmailAddress")
		if email == "" || !approverFor(email, o.Names) {
			return reply(errInvalid("dcvEmailAddress"))
		}
	}
	unique := p.get("uniqueValue")
	if unique == "" {
		unique = randomString(10)
	}
	sameCSR := string(o.csrs[o.current].der) == string(req.der)
	if prev.State == StateAwaitingValidation {
		o.Certificates[o.current].State = StateReplaced
	}
	o.Certificates = append(o.Certificates, Certificate{CertificateID: s.newCertificateID(),
		State: StateAwaitingValidation, DCVMethod: method, UniqueValue: unique, CSR: req.pemText})
	o.csrs = append(o.csrs, req)
	o.current = len(o.Certificates) - 1
	o.State, o.Polls, o.sentBusy = StateAwaitingValidation, 0, false
	o.issueAfter = o.baseIssue
	if sameCSR && o.baseIssue >= 0 {
		o.issueAfter = 1 // the validation of the same request is reused
	}
	id := o.Certificates[o.current].CertificateID
	a := answer{form: []pair{{"certificateID", id}, {"expectedDeliveryTime", "1"}, {"uniqueValue", unique}},
		lines: []string{id, "1", unique}}
	return outcome{a: a, delay: s.slowDelay(o)}
}

func (s *Sim) revoke(acct *Account, p params) outcome {
	if p.get("revocationReason") == "" {
		return reply(errMissing("revocationReason"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var o *order
	idx := -1
	if serial := strings.TrimLeft(strings.ToLower(strings.ReplaceAll(p.get("serialNumber"), ":", "")), "0"); serial != "" {
		for _, cand := range s.orders {
			for i, c := range cand.Certificates {
				if cand.Account == acct.LoginName && c.Serial != "" && strings.TrimLeft(c.Serial, "0") == serial {
					o, idx = cand, i
				}
			}
		}
		if o == nil {
			return reply(errInvalid("serialNumber"))
		}
	} else {
		var bad *answer
		o, bad = s.ownOrder(acct, p, "orderNumber", "certificateID")
		if bad != nil {
			return reply(*bad)
		}
		for i, c := range o.Certificates {
			if c.CertificateID == p.get("certificateID") || p.get("certificateID") == "" && c.Serial != "" {
				idx = i
			}
		}
	}
	if idx < 0 || o.Certificates[idx].Serial == "" {
		return reply(errInvalid("orderNumber"))
	}
	if o.Certificates[idx].State == StateRevoked {
		return reply(errCode(-21, "The certificate has already been revoked!"))
	}
	if !strings.EqualFold(p.get("test"), "Y") {
		o.Certificates[idx].State = StateRevoked
		if idx == o.current {
			o.State = StateRevoked
		}
	}
	return outcome{a: answer{}, delay: s.slowDelay(o)}
}

func (s *Sim) refund(acct *Account, p params) outcome {
	if p.get("refundReasonCode") == "" {
		return reply(errMissing("refundReasonCode"))
	}
	if n, err := strconv.Atoi(p.get("refundReasonCode")); err != nil || n < 1 || n > 11 {
		return reply(errInvalid("refundReasonCode"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, bad := s.ownOrder(acct, p, "orderNumber")
	if bad != nil {
		return reply(*bad)
	}
	switch {
	case o.Refunded:
		return reply(errCode(-18, "This order has already been refunded!"))
	case o.State == StateCancelled:
		return reply(errCode(-20, "The order has already been cancelled!"))
	}
	if o.Paid && !o.Test {
		acct.Balance += o.Cost
	}
	o.State, o.Refunded = StateCancelled, true
	for i := range o.Certificates {
		if st := o.Certificates[i].State; st == StateIssued || st == StateAwaitingValidation {
			o.Certificates[i].State = StateCancelled
		}
	}
	return outcome{a: answer{}, delay: s.slowDelay(o)}
}

func (s *Sim) updateDCV(acct *Account, p params) outcome {
	method := strings.ToUpper(p.get("newMethod"))
	if method == "" {
		method = strings.ToUpper(strings.Split(p.get("newMethods"), ",")[0])
	}
	if method == "" {
		return reply(errMissing("newMethod"))
	}
	if !validMethod(method) {
		return reply(errInvalid("newMethod"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, bad := s.ownOrder(acct, p, "orderNumber", "baseOrderNumber")
	if bad != nil {
		return reply(*bad)
	}
	if o.State != StateAwaitingValidation {
		return reply(errInvalid("orderNumber"))
	}
	if d := strings.ToLower(p.get("domainName")); d != "" && !approverNameOf(d, o.Names) {
		return reply(errInvalid("domainName"))
	}
	if method == "EMAIL" {
		email := p.get("newDCVEmailAddress")
		if email == "" {
			return reply(errMissing("newDCVEmailAddress"))
		}
		if !approverFor(email, o.Names) {
			return reply(errInvalid("newDCVEmailAddress"))
		}
	}
	o.Certificates[o.current].DCVMethod = method
	o.Polls = 0
	return outcome{a: answer{}, delay: s.slowDelay(o)}
}

func approverNameOf(d string, names []string) bool {
	for _, n := range names {
		if n == d {
			return true
		}
	}
	return false
}

func (s *Sim) resend(acct *Account, p params) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, bad := s.ownOrder(acct, p, "orderNumber", "baseOrderNumber")
	if bad != nil {
		return reply(*bad)
	}
	if o.State != StateAwaitingValidation || o.Certificates[o.current].DCVMethod != "EMAIL" {
		return reply(errInvalid("orderNumber"))
	}
	if email := p.get("dcvEmailAddress"); email != "" && !approverFor(email, o.Names) {
		return reply(errInvalid("dcvEmailAddress"))
	}
	o.Resends++
	return outcome{a: answer{}, delay: s.slowDelay(o)}
}

func (s *Sim) authorize(acct *Account, p params) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, bad := s.ownOrder(acct, p, "orderNumber")
	if bad != nil {
		return reply(*bad)
	}
	if !o.Paid {
		if acct.Balance < o.Cost {
			return reply(errCode(-15, "Not enough credit!"))
		}
		acct.Balance -= o.Cost
		o.Paid = true
	}
	return outcome{a: answer{}, delay: s.slowDelay(o)}
}

// likeMatch matches Sectigo's fqdn filter, where % is any run and _ any one character.
func likeMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && likeMatch(pattern[1:], s[1:])
}

func listOf(v string) map[string]bool {
	m := map[string]bool{}
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			m[x] = true
		}
	}
	return m
}

func (s *Sim) report(acct *Account, p params) outcome {
	unix := func(arg string) (time.Time, *answer) {
		v := p.get(arg)
		if v == "" {
			return time.Time{}, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			a := errInvalid(arg)
			return time.Time{}, &a
		}
		return time.Unix(n, 0), nil
	}
	from, bad := unix("notBefore")
	if bad != nil {
		return reply(*bad)
	}
	to, bad := unix("notAfter")
	if bad != nil {
		return reply(*bad)
	}
	first := 1
	if v := p.get("firstResultNo"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return reply(errInvalid("firstResultNo"))
		}
		first = n
	}
	last := first + 9
	if v := p.get("lastResultNo"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < first-1 {
			return reply(errInvalid("lastResultNo"))
		}
		last = n
	}
	fqdn := strings.ToLower(p.get("fqdn"))
	numbers, foreign, certIDs := listOf(p.get("orderNumber")), listOf(p.get("foreignOrderNumber")), listOf(p.get("certificateID"))
	showCost := strings.EqualFold(p.get("showCost"), "Y")
	showID := strings.EqualFold(p.get("showCertificateID"), "Y")

	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*order
	for _, o := range s.sortedOrders() {
		switch {
		case o.Account != acct.LoginName,
			!from.IsZero() && o.Placed.Before(from),
			!to.IsZero() && o.Placed.After(to),
			len(numbers) > 0 && !numbers[o.OrderNumber],
			len(foreign) > 0 && !foreign[o.ForeignOrderNumber]:
			continue
		}
		if fqdn != "" && !likeMatch(fqdn, o.Names[0]) {
			continue
		}
		if len(certIDs) > 0 {
			hit := false
			for _, c := range o.Certificates {
				hit = hit || certIDs[c.CertificateID]
			}
			if !hit {
				continue
			}
		}
		matched = append(matched, o)
	}
	a := answer{form: []pair{{"noOfResults", strconv.Itoa(len(matched))}}}
	row := 0
	for i, o := range matched {
		if i+1 < first || i+1 > last {
			continue
		}
		row++
		x := strconv.Itoa(row) + "_"
		a.form = append(a.form, pair{x + "orderNumber", o.OrderNumber}, pair{x + "dateTime", strconv.FormatInt(o.Placed.Unix(), 10)})
		if o.ForeignOrderNumber != "" {
			a.form = append(a.form, pair{x + "foreignOrderNumber", o.ForeignOrderNumber})
		}
		if o.org.Organization != "" && o.validation != pki.ValidationDV {
			a.form = append(a.form, pair{x + "organizationName", o.org.Organization})
		}
		if showCost {
			a.form = append(a.form, pair{x + "cost", money(o.Cost)})
		}
		for j, c := range o.Certificates {
			y := x + strconv.Itoa(j+1) + "_"
			if showID {
				a.form = append(a.form, pair{y + "certificateID", c.CertificateID})
			}
			a.form = append(a.form, pair{y + "domain", o.Names[0]})
			if len(o.Names) > 1 {
				a.form = append(a.form, pair{y + "mdcDomainNames", strings.Join(o.Names[1:], ",")})
			}
			a.form = append(a.form, pair{y + "certificateStatusDesc", certText(o, c)})
			if c.Serial != "" {
				a.form = append(a.form, pair{y + "serialNumber", strings.ToUpper(c.Serial)},
					pair{y + "notBefore", strconv.FormatInt(c.NotBefore.Unix(), 10)},
					pair{y + "notAfter", strconv.FormatInt(c.NotAfter.Unix(), 10)})
			}
		}
	}
	return reply(a)
}

// certText is a certificate's status in WebHostReport's words.
func certText(o *order, c Certificate) string {
	switch c.State {
	case StateIssued:
		return "Issued"
	case StateReplaced:
		return "Replaced"
	case StateRevoked:
		return "Revoked"
	case StateRejected:
		return "Rejected: " + o.RejectReason
	case StateCancelled:
		return "Cancelled"
	}
	if !o.Paid {
		return "Awaiting Payment"
	}
	return "Awaiting Validation"
}
