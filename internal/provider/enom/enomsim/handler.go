package enomsim

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// params are a request's parameters, query and form merged, looked up without regard to case as
// Enom does (command/Command, CertID/certid).
type params map[string][]string

func newParams(form url.Values) params {
	p := params{}
	for k, vs := range form {
		key := strings.ToLower(k)
		p[key] = append(p[key], vs...)
	}
	return p
}

// get returns the first value of a parameter, trimmed.
func (p params) get(name string) string {
	vs := p[strings.ToLower(name)]
	if len(vs) == 0 {
		return ""
	}
	return strings.TrimSpace(vs[0])
}

// raw returns the first value untrimmed (a CSR keeps its line ends).
func (p params) raw(name string) string {
	vs := p[strings.ToLower(name)]
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// Handler returns the HTTP handler serving /interface.asp (GET or POST, any case of the path).
func (s *Sim) Handler() http.Handler { return http.HandlerFunc(s.serve) }

func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.URL.Path, "/interface.asp") {
		http.Error(w, "404 - File or directory not found.", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "405 - HTTP verb used to access this page is not allowed.", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "400 - Bad Request", http.StatusBadRequest)
		return
	}
	p := newParams(r.Form)
	command := p.get("command")
	ip := clientIP(r)
	text := !strings.EqualFold(p.get("ResponseType"), "XML") // Enom answers Text unless asked otherwise

	s.mu.Lock()
	s.calls[strings.ToLower(command)]++
	delay := s.delay
	failed := false
	malform := false
	if s.failNext > 0 {
		s.failNext--
		failed = true
	}
	if s.malformNext > 0 && !failed {
		s.malformNext--
		malform = true
	}
	if c := s.certs[atoi(p.get("CertID"))]; c != nil && c.configured && !failed {
		if c.slow {
			delay += s.slowDelay
		}
		if c.failLeft > 0 {
			c.failLeft--
			failed = true
		} else if c.malformLeft > 0 {
			c.malformLeft--
			malform = true
		}
	}
	var rep *reply
	now := s.now()
	if !failed {
		rep = s.dispatch(command, p, ip, now)
	}
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if failed {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>" +
			"<p>HTTP Error 503. The service is unavailable.</p></body></html>"))
		return
	}
	var body []byte
	if text {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		body = renderText(rep, now)
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		body = renderXML(rep, now)
	}
	if malform {
		body = body[:len(body)*3/5]
	}
	_, _ = w.Write(body)
}

// clientIP is the address the request came from; the simulator trusts no forwarding header, as
// Enom's allow-list checks the connecting address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Enom's texts and numbers for the errors every command can give.
const (
	textBadLogin  = "Bad User name or Password"
	textIPRefused = "User not permitted from this IP address: "
)

// dispatch authenticates and runs one command; s.mu is held.
func (s *Sim) dispatch(command string, p params, ip string, now time.Time) *reply {
	acct := s.accountByUID(p.get("uid"))
	if acct == nil || acct.PW != p.raw("pw") || acct.badCredentials {
		return fail(command, textBadLogin, "304155", "Validation error; invalid ; loginid")
	}
	if acct.ipNotPermitted || (len(acct.allowedIPs) > 0 && !contains(acct.allowedIPs, ip)) {
		return &reply{command: command, errs: []simError{{text: textIPRefused + ip}}}
	}
	switch strings.ToLower(command) {
	case "getbalance":
		return s.getBalance(command, acct)
	case "getcerts":
		return s.getCerts(command)
	case "purchaseservices":
		return s.purchaseServices(command, acct, p, now)
	case "certgetcerts":
		return s.certGetCerts(command, acct, p, now)
	case "certconfigurecert":
		return s.certConfigureCert(command, acct, p, now)
	case "certgetapproveremail":
		return s.certGetApproverEmail(command, acct, p)
	case "certparsecsr":
		return s.certParseCSR(command, acct, p)
	case "certpurchasecert":
		return s.certPurchaseCert(command, acct, p, now)
	case "certgetcertdetail":
		return s.certGetCertDetail(command, acct, p, now)
	case "certreissuecert":
		return s.certReissueCert(command, acct, p, now)
	case "certmodifyorder":
		return s.certModifyOrder(command, acct, p)
	case "certchangeapproveremail":
		return s.certChangeApproverEmail(command, acct, p)
	case "certresendapproveremail":
		return s.certResendApproverEmail(command, acct, p)
	case "":
		return fail("", "A command is required", "301150", "Validation error; missing ; command")
	}
	return fail(command, "Invalid command name: "+command, "304150", "Validation error; invalid ; command")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}
