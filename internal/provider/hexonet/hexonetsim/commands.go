package hexonetsim

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

func itoa(n int) string { return strconv.Itoa(n) }

// dispatch runs an authenticated command. The caller holds s.mu.
func (s *Sim) dispatch(w *world, a *account, c call) *reply {
	switch c.cmd {
	case "statusaccount":
		return s.statusAccount(a)
	case "statususer":
		return s.statusUser(a, c)
	case "parsesslcertcsr":
		return s.parseCSR(c)
	case "querysslcertdcvemailaddresslist":
		return s.approverList(w, a, c)
	case "createsslcert":
		return s.create(w, a, c)
	case "statussslcert":
		return s.status(w, a, c)
	case "reissuesslcert":
		return s.reissue(w, a, c)
	case "renewsslcert":
		return s.renew(w, a, c)
	case "revokesslcert":
		return s.revoke(w, a, c)
	case "resendsslcertemail":
		return s.resend(w, a, c)
	case "querysslcertlist":
		return s.list(w, a, c)
	case "":
		return errReply(507, "COMMAND missing")
	default:
		return errReply(500, "")
	}
}

func (s *Sim) statusAccount(a *account) *reply {
	return ok().add("AMOUNT", formatCents(a.balance)).add("CREDIT", formatCents(a.credit)).
		add("CURRENCY", a.currency).add("DEPOSIT", "0.00").add("VAT", "0.00")
}

func (s *Sim) statusUser(a *account, c call) *reply {
	r := ok().add("USER", a.login).add("PARENTUSER", "sim.hexonet.net").add("ACTIVE", "1").
		add("USERCLASS", "SIM_RESELLER").add("OTPSTATUS", "INACTIVE").
		add("ACCOUNTCURRENCY", a.currency).add("ACCOUNTCURRENT", formatCents(a.balance)).
		add("ACCOUNTCREDIT", formatCents(a.credit)).add("ACCOUNTDEPOSIT", "0.00").
		add("CREATEDDATE", formatTime(a.created)).add("UPDATEDDATE", formatTime(a.created)).add("ALLOWEDIP")
	if c.get("RELATIONS") == "0" {
		return r
	}
	rel := func(t, v string) {
		r.props["RELATIONTYPE"] = append(r.props["RELATIONTYPE"], t)
		r.props["RELATIONVALUE"] = append(r.props["RELATIONVALUE"], v)
	}
	for _, p := range products {
		prefix := "PRICE_CLASS_SSLCERT_" + p.class
		rel(prefix+"_ANNUAL", formatCents(p.annual))
		rel(prefix+"_CURRENCY", a.currency)
		rel(prefix+"_SETUP", formatCents(p.setup))
	}
	for _, o := range otherRelations {
		rel(o[0], o[1])
	}
	return r
}

// readCSR parses the request's CSR: a missing one is 504, an unreadable one 505.
func readCSR(c call) (*pki.CSRInfo, *reply) {
	text := c.csr()
	if text == "" {
		return nil, errReply(504, "CSR")
	}
	info, err := pki.ParseCSR([]byte(text))
	if err != nil {
		return nil, errReply(505, "CSR ("+err.Error()+")")
	}
	return info, nil
}

func (s *Sim) parseCSR(c call) *reply {
	info, bad := readCSR(c)
	if bad != nil {
		return bad
	}
	r := ok().add("CN", info.CommonName)
	var alt []string
	for _, n := range info.Names {
		if !strings.EqualFold(n, info.CommonName) {
			alt = append(alt, n)
		}
	}
	if len(alt) > 0 {
		r.add("ALTERNATECN", alt...)
	}
	sub := info.Subject
	r.add("C", sub.Country).add("ST", sub.Province).add("L", sub.Locality).add("O", sub.Organization).
		add("OU", sub.OrganizationalUnit).add("STREET").add("EMAILADDRESS", sub.Email).add("CACRT", "FALSE")
	if bits, ok := strings.CutPrefix(info.KeyType, "rsa-"); ok {
		r.add("RSAPUBLICKEYBITS", bits)
	}
	return r
}

// find returns the caller's certificate by SSLCERTID: 504 without one, 545 when unknown or another
// account's.
func find(w *world, a *account, c call) (*cert, *reply) {
	id := c.get("SSLCERTID")
	if id == "" {
		return nil, errReply(504, "SSLCERTID")
	}
	ct := w.certs[id]
	if ct == nil || !strings.EqualFold(ct.owner, a.login) {
		return nil, errReply(545, "SSLCERTID "+id)
	}
	return ct, nil
}

func (s *Sim) approverList(w *world, a *account, c call) *reply {
	var name string
	switch {
	case c.get("SSLCERTID") != "":
		ct, bad := find(w, a, c)
		if bad != nil {
			return bad
		}
		name = ct.cn
	case c.get("SSLCERTCLASS") == "":
		return errReply(504, "SSLCERTCLASS")
	case c.get("DOMAIN") != "" || c.get("DOMAIN0") != "":
		name = strings.ToLower(c.get("DOMAIN"))
		if name == "" {
			name = strings.ToLower(c.get("DOMAIN0"))
		}
		if err := pki.CheckDNSName(name); err != nil {
			return errReply(505, "DOMAIN ("+err.Error()+")")
		}
	case c.csr() != "":
		info, bad := readCSR(c)
		if bad != nil {
			return bad
		}
		if len(info.Names) == 0 {
			return errReply(541, "CSR has no common name")
		}
		name = info.Names[0]
	default:
		return errReply(504, "DOMAIN")
	}
	if _, known := productOf(strings.ToUpper(c.get("SSLCERTCLASS"))); c.get("SSLCERTCLASS") != "" && !known {
		return errReply(541, "SSLCERTCLASS")
	}
	list := approvers(name)
	levels := make([]string, len(list))
	for i := range levels {
		levels[i] = "GENERIC"
	}
	return ok().add("EMAIL", list...).add("LEVEL", levels...)
}

// orderNames checks the names of a request against its CSR and the product and returns them in order:
// DOMAIN0..N when given (they must be the CSR's names), else the CSR's (common name first).
func orderNames(c call, info *pki.CSRInfo, p product) ([]string, *reply) {
	names := info.Names
	if len(names) == 0 {
		return nil, errReply(541, "CSR has no names")
	}
	if d := strings.ToLower(c.get("SSLCERTDOMAIN")); d != "" && d != names[0] {
		return nil, errReply(541, "SSLCERTDOMAIN must be the common name of the CSR ("+names[0]+")")
	}
	if given := c.indexed("DOMAIN"); len(given) > 0 {
		var norm []string
		for _, g := range given {
			if g = strings.ToLower(strings.TrimSpace(g)); !slices.Contains(norm, g) {
				norm = append(norm, g)
			}
		}
		a, b := slices.Clone(norm), slices.Clone(names)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			return nil, errReply(541, "DOMAIN must list the names of the CSR ("+strings.Join(names, ", ")+")")
		}
		names = norm
	}
	for _, n := range names {
		if err := pki.CheckDNSName(n); err != nil {
			return nil, errReply(541, "DOMAIN ("+err.Error()+")")
		}
		if strings.HasPrefix(n, "*.") && !p.wildcard {
			return nil, errReply(541, "DOMAIN "+n+" is a wildcard name; "+p.class+" is not a wildcard certificate")
		}
	}
	if len(names) > p.maxNames {
		return nil, errReply(541, fmt.Sprintf("DOMAIN: %s allows at most %d names, got %d", p.class, p.maxNames, len(names)))
	}
	return names, nil
}

// readDCV reads VALIDATIONn / VALIDATIONEMAILn (and the legacy EMAIL) for each name and builds the
// instructions.
func readDCV(c call, id, csr string, names []string, p product) ([]dcvEntry, *reply) {
	out := make([]dcvEntry, len(names))
	for i, n := range names {
		k := strconv.Itoa(i)
		method := strings.ToUpper(c.get("VALIDATION" + k))
		if method == "" && i > 0 {
			method = strings.ToUpper(c.get("VALIDATION0"))
		}
		if method == "" {
			method = "EMAIL"
		}
		email := c.get("VALIDATIONEMAIL" + k)
		if legacy := c.get("EMAIL"); email == "" && i == 0 && isApprover(n, legacy) {
			// EMAIL is both the default contact's address and the legacy approver: it counts as the
			// approver only when it is one.
			email = legacy
		}
		switch method {
		case "EMAIL":
			if email != "" && !isApprover(n, email) {
				return nil, errReply(541, "VALIDATIONEMAIL"+k+" "+email+" is not an approver address of "+n)
			}
		case "DNSZONE", "URL":
			if !p.dnsFile {
				return nil, errReply(541, "VALIDATION"+k+" "+method+" is not available for "+p.class)
			}
			if method == "URL" && strings.HasPrefix(n, "*.") {
				return nil, errReply(541, "VALIDATION"+k+" URL cannot validate the wildcard name "+n)
			}
		default:
			return nil, errReply(541, "VALIDATION"+k+" "+method)
		}
		out[i] = instructions(method, strings.ToLower(email), id, n, csr)
	}
	return out, nil
}

// readPeriod reads PERIOD: default 1, 1 or 2 years.
func readPeriod(c call) (int, *reply) {
	v := c.get("PERIOD")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errReply(505, "PERIOD")
	}
	if n < 1 || n > 2 {
		return 0, errReply(541, "PERIOD must be 1 or 2")
	}
	return n, nil
}

// scenarioOf returns the first scenario among names that sets something, or an empty one.
func (s *Sim) scenarioOf(names []string) *nameState {
	merged := &nameState{}
	for _, n := range names {
		st := s.name(n)
		if merged.pollsToIssue == nil {
			merged.pollsToIssue = st.pollsToIssue
		}
		if merged.reject == "" {
			merged.reject = st.reject
		}
		merged.noCredit = merged.noCredit || st.noCredit
	}
	return merged
}

// debit charges a purchase: 546 when balance and credit do not cover it.
func debit(a *account, price int64, noCredit bool) *reply {
	if noCredit || a.balance+a.credit < price {
		return errReply(546, fmt.Sprintf("available %s %s, price %s", formatCents(a.balance+a.credit), a.currency, formatCents(price)))
	}
	a.balance -= price
	return nil
}

// peekID is the SSLCERTID the next purchase gets; commitID takes it once the purchase is made.
func (s *Sim) peekID() string { return strconv.FormatInt(s.nextID+1, 10) }

func (s *Sim) commitID() int64 {
	s.nextID++
	return s.nextID
}

// contactFields keeps the inline contact fields of a request (unprefixed: the owner).
func contactFields(c call) map[string]string {
	out := map[string]string{}
	for _, prefix := range []string{"", "ADMINCONTACT", "TECHCONTACT", "BILLINGCONTACT"} {
		for _, f := range []string{"ORGANIZATION", "FIRSTNAME", "LASTNAME", "NAME", "JOBTITLE", "EMAIL", "STREET", "CITY", "PROVINCE", "ZIP", "COUNTRY", "PHONE", "FAX"} {
			if v := c.get(prefix + f); v != "" {
				out[prefix+f] = v
			}
		}
	}
	return out
}

// startRequest sets when a new request (order, reissue, renewal) is issued and whether it fails.
func (s *Sim) startRequest(ct *cert, sc *nameState) {
	ct.polls = 0
	ct.issueAt = s.pollsToIssue
	if sc.pollsToIssue != nil {
		ct.issueAt = *sc.pollsToIssue
	}
	ct.reject = sc.reject
}

func (s *Sim) create(w *world, a *account, c call) *reply {
	if c.get("ORDER") != "" {
		return errReply(510, "the ORDER pipeline is not simulated; send CreateSSLCert without ORDER")
	}
	class := strings.ToUpper(c.get("SSLCERTCLASS"))
	if class == "" {
		return errReply(504, "SSLCERTCLASS")
	}
	p, known := productOf(class)
	if !known {
		return errReply(541, "SSLCERTCLASS "+class)
	}
	period, bad := readPeriod(c)
	if bad != nil {
		return bad
	}
	info, bad := readCSR(c)
	if bad != nil {
		return bad
	}
	names, bad := orderNames(c, info, p)
	if bad != nil {
		return bad
	}
	now := s.now()
	id := s.peekID()
	csr := string(info.PEM)
	dcv, bad := readDCV(c, id, csr, names, p)
	if bad != nil {
		return bad
	}
	sc := s.scenarioOf(names)
	price := p.price(period)
	if bad := debit(a, price, sc.noCredit); bad != nil {
		return bad
	}
	seq := s.commitID()
	contacts := contactFields(c)
	ct := &cert{
		id: id, owner: a.login, class: class, period: period, kind: "create",
		status: "REQUESTEDCREATE", cn: names[0], domains: names, csr: csr, dcv: dcv,
		serverSoftware: c.get("SERVERSOFTWARE"), contacts: contacts,
		org:     firstOf(contacts["ORGANIZATION"], info.Subject.Organization, "Simulated Organisation"),
		country: firstOf(contacts["COUNTRY"], info.Subject.Country, "DE"),
		created: now, updated: now, expires: now.AddDate(period, 0, 0),
		orderRef: strconv.FormatInt(40000000+seq%10000000, 10), price: price, currency: a.currency,
	}
	s.startRequest(ct, sc)
	w.certs[id] = ct
	w.order = append(w.order, id)
	if ct.issueAt <= 0 {
		s.finish(w, ct)
	}
	return ct.object(ok())
}

func (s *Sim) status(w *world, a *account, c call) *reply {
	ct, bad := find(w, a, c)
	if bad != nil {
		return bad
	}
	s.advance(w, ct)
	return ct.object(ok())
}

func (s *Sim) reissue(w *world, a *account, c call) *reply {
	ct, bad := find(w, a, c)
	if bad != nil {
		return bad
	}
	if ct.status != "ACTIVE" {
		return errReply(552, "status "+ct.status)
	}
	info, bad := readCSR(c)
	if bad != nil {
		return bad
	}
	p, _ := productOf(ct.class)
	names, bad := orderNames(c, info, p)
	if bad != nil {
		return bad
	}
	if names[0] != ct.cn {
		return errReply(541, "CSR common name must stay "+ct.cn)
	}
	csr := string(info.PEM)
	dcv, bad := readDCV(c, ct.id+"-r"+itoa(ct.reissues+1), csr, names, p)
	if bad != nil {
		return bad
	}
	ct.reissues++
	ct.pending = &reissue{csr: csr, domains: names, dcv: dcv}
	ct.status, ct.details, ct.updated = "REQUESTEDREISSUE", "", s.now()
	if v := c.get("SERVERSOFTWARE"); v != "" {
		ct.serverSoftware = v
	}
	s.startRequest(ct, s.scenarioOf(names))
	if ct.issueAt <= 0 {
		s.finish(w, ct)
	}
	r := ok().add("DOMAIN", names...)
	writeDCV(r, dcv)
	return r
}

func (s *Sim) renew(w *world, a *account, c call) *reply {
	old, bad := find(w, a, c)
	if bad != nil {
		return bad
	}
	if old.renewedBy != "" {
		return errReply(555, "renewed by "+old.renewedBy)
	}
	if old.status != "ACTIVE" {
		return errReply(552, "status "+old.status)
	}
	if c.get("ORDER") != "" {
		return errReply(510, "the ORDER pipeline is not simulated")
	}
	period, bad := readPeriod(c)
	if bad != nil {
		return bad
	}
	p, _ := productOf(old.class)
	csr, names := old.csr, old.domains
	if c.csr() != "" {
		info, bad := readCSR(c)
		if bad != nil {
			return bad
		}
		if names, bad = orderNames(c, info, p); bad != nil {
			return bad
		}
		csr = string(info.PEM)
	}
	now := s.now()
	id := s.peekID()
	dcv, bad := readDCV(c, id, csr, names, p)
	if bad != nil {
		return bad
	}
	sc := s.scenarioOf(names)
	price := p.price(period)
	if bad := debit(a, price, sc.noCredit); bad != nil {
		return bad
	}
	seq := s.commitID()
	ct := &cert{
		id: id, owner: a.login, class: old.class, period: period, kind: "renew", oldID: old.id,
		status: "REQUESTEDRENEW", cn: names[0], domains: names, csr: csr, dcv: dcv,
		serverSoftware: firstOf(c.get("SERVERSOFTWARE"), old.serverSoftware), contacts: old.contacts,
		org: old.org, country: old.country, created: now, updated: now, expires: now.AddDate(period, 0, 0),
		orderRef: strconv.FormatInt(40000000+seq%10000000, 10), price: price, currency: a.currency,
	}
	old.renewedBy = id
	s.startRequest(ct, sc)
	w.certs[id] = ct
	w.order = append(w.order, id)
	if ct.issueAt <= 0 {
		s.finish(w, ct)
	}
	return ct.object(ok()).add("OLD-SSLCERTID", old.id).add("OLD-EXPIRATIONDATE", formatTime(old.expires))
}

func (s *Sim) revoke(w *world, a *account, c call) *reply {
	ct, bad := find(w, a, c)
	if bad != nil {
		return bad
	}
	if c.get("REASON") == "" {
		return errReply(504, "REASON")
	}
	if ct.status != "ACTIVE" && ct.status != "REPLACED" {
		return errReply(552, "status "+ct.status)
	}
	ct.status, ct.details, ct.updated = "REVOKED", "Revoked: "+c.get("REASON"), s.now()
	return ok()
}

func (s *Sim) resend(w *world, a *account, c call) *reply {
	ct, bad := find(w, a, c)
	if bad != nil {
		return bad
	}
	switch strings.ToLower(c.get("RESENDEMAILTYPE")) {
	case "", "approveremail", "inviteemail", "pickupemail", "fulfillmentemail", "phoneauthemail":
	default:
		return errReply(541, "RESENDEMAILTYPE "+c.get("RESENDEMAILTYPE"))
	}
	if !inFlight(ct.status) {
		return errReply(552, "status "+ct.status)
	}
	if email := strings.ToLower(c.get("EMAIL")); email != "" {
		dcv := ct.dcv
		if ct.pending != nil {
			dcv = ct.pending.dcv
		}
		if !isApprover(ct.cn, email) {
			return errReply(541, "EMAIL "+email+" is not an approver address of "+ct.cn)
		}
		for i := range dcv {
			if dcv[i].method == "EMAIL" {
				dcv[i].email = email
				break
			}
		}
	}
	ct.resends++
	return ok()
}

// list answers QuerySSLCertList with the filters SSLCERTID, SSLCERTCLASS, SSLCERTCN (with * as a
// wildcard), STATUS and MIN/MAXCREATEDDATE, and FIRST/LIMIT paging; WIDE=1 adds the detail columns.
func (s *Sim) list(w *world, a *account, c call) *reply {
	minCreated, errMin := parseFilterTime(c.get("MINCREATEDDATE"))
	maxCreated, errMax := parseFilterTime(c.get("MAXCREATEDDATE"))
	if errMin != nil {
		return errReply(505, "MINCREATEDDATE")
	}
	if errMax != nil {
		return errReply(505, "MAXCREATEDDATE")
	}
	first, limit := 0, 10000
	if v := c.get("FIRST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errReply(505, "FIRST")
		}
		first = n
	}
	if v := c.get("LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errReply(505, "LIMIT")
		}
		limit = min(n, 10000)
	}
	var rows []*cert
	for _, id := range w.order {
		ct := w.certs[id]
		switch {
		case !strings.EqualFold(ct.owner, a.login):
		case c.get("SSLCERTID") != "" && c.get("SSLCERTID") != ct.id:
		case c.get("SSLCERTCLASS") != "" && !strings.EqualFold(c.get("SSLCERTCLASS"), ct.class):
		case c.get("STATUS") != "" && !strings.EqualFold(c.get("STATUS"), ct.status):
		case c.get("SSLCERTCN") != "" && !globMatch(c.get("SSLCERTCN"), ct.cn):
		case !minCreated.IsZero() && ct.created.Before(minCreated):
		case !maxCreated.IsZero() && ct.created.After(maxCreated):
		default:
			rows = append(rows, ct)
		}
	}
	total := len(rows)
	page := rows[min(first, total):min(first+limit, total)]
	r := ok().add("FIRST", itoa(first)).add("LAST", itoa(first+len(page)-1)).add("COUNT", itoa(len(page))).
		add("TOTAL", itoa(total)).add("LIMIT", itoa(limit))
	wide := c.get("WIDE") == "1"
	for _, ct := range page {
		r.props["SSLCERTID"] = append(r.props["SSLCERTID"], ct.id)
		if !wide {
			continue
		}
		r.props["SSLCERTCLASS"] = append(r.props["SSLCERTCLASS"], ct.class)
		r.props["SSLCERTCN"] = append(r.props["SSLCERTCN"], ct.cn)
		r.props["SSLCERTSTATUS"] = append(r.props["SSLCERTSTATUS"], ct.status)
		r.props["SSLCERTCREATEDDATE"] = append(r.props["SSLCERTCREATEDDATE"], formatTime(ct.created))
		r.props["SSLCERTUPDATEDDATE"] = append(r.props["SSLCERTUPDATEDDATE"], formatTime(ct.updated))
		r.props["SSLCERTEXPIRATIONDATE"] = append(r.props["SSLCERTEXPIRATIONDATE"], formatTime(ct.expires))
		r.props["USER"] = append(r.props["USER"], ct.owner)
		r.props["PARENTUSER"] = append(r.props["PARENTUSER"], "sim.hexonet.net")
		r.props["PEERUSER"] = append(r.props["PEERUSER"], "")
	}
	return r
}

// parseFilterTime reads a list filter date ("2016-02-18 23:59:59" or a date alone).
func parseFilterTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", v)
}

// globMatch matches a filter with * wildcards, case-insensitively.
func globMatch(pattern, s string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(s))
	return err == nil && ok
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
