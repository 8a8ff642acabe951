package hexonetsim

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// Path is where HEXONET serves its API.
const Path = "/api/call.cgi"

// Handler serves the API on Path (POST form or GET query); other paths are 404.
func (s *Sim) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// outcome is what the scenarios decide for a request before it is processed.
type outcome int

const (
	normal      outcome = iota
	unavailable         // HTTP 503 with an HTML page; nothing happens
	temporary           // 421; nothing happens
	damaged             // a truncated body; nothing happens
	lost                // processed, then HTTP 502: the answer is lost
	late                // processed at once, then the answer waits: a client that gives up has still bought
)

func (s *Sim) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	c := decodeCall(r.Form)
	out, delay := s.plan(c)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch out {
	case unavailable:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(unavailableBody))
		return
	case temporary:
		write(w, errReply(421, ""))
		return
	case damaged:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(malformedBody))
		return
	}
	rep := s.handle(c, remoteIP(r))
	if out == late {
		// The order is placed; the answer comes late, whether or not the client still waits.
		time.Sleep(s.lateDelay())
	}
	if out == lost && rep.code == 200 {
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	write(w, rep)
}

func write(w http.ResponseWriter, rep *reply) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(rep.bytes())
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// plan logs the request and decides its scenario: the global failure counters first, then the
// scenarios of the names it concerns, and how long to wait.
func (s *Sim) plan(c call) (outcome, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	attrs := cloneMap(c.attrs)
	delete(attrs, "COMMAND")
	s.requests = append(s.requests, Request{Time: s.now(), Entity: c.entity, Login: c.login, Command: c.command, Attributes: attrs})
	delay := s.delay
	out := normal
	switch {
	case s.failHTTP > 0:
		s.failHTTP--
		out = unavailable
	case s.failTemp > 0:
		s.failTemp--
		out = temporary
	case s.malformed > 0:
		s.malformed--
		out = damaged
	}
	for _, n := range s.namesOf(c) {
		st := s.name(n)
		switch {
		case st.slow < 0:
			delay = max(delay, s.slowDelay)
		case st.slow > 0:
			delay = max(delay, st.slow)
		}
		if out != normal || c.cmd != "createsslcert" {
			continue
		}
		switch {
		case st.late:
			out = late
		case st.failCreates > 0:
			st.failCreates--
			out = unavailable
		case st.malformCreates > 0:
			st.malformCreates--
			out = damaged
		case st.loseCreates > 0:
			st.loseCreates--
			out = lost
		}
	}
	return out, delay
}

// namesOf lists the domain names a request concerns: its DOMAIN and SSLCERTDOMAIN attributes, the
// names of its CSR, and the names of the certificate its SSLCERTID refers to. The caller holds s.mu.
func (s *Sim) namesOf(c call) []string {
	var names []string
	for _, k := range []string{"SSLCERTDOMAIN", "DOMAIN"} {
		if v := c.get(k); v != "" {
			names = append(names, v)
		}
	}
	names = append(names, c.indexed("DOMAIN")...)
	if text := c.csr(); text != "" {
		if info, err := pki.ParseCSR([]byte(text)); err == nil {
			names = append(names, info.Names...)
		}
	}
	if id := c.get("SSLCERTID"); id != "" {
		if w := s.worlds[c.entity]; w != nil && w.certs[id] != nil {
			names = append(names, w.certs[id].domains...)
		}
	}
	for i, n := range names {
		names[i] = baseName(n)
	}
	return names
}

// handle authenticates and runs a request.
func (s *Sim) handle(c call, ip string) *reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.worlds[c.entity]
	if w == nil {
		return errReply(530, "unknown system entity "+strings.TrimSpace(c.entity))
	}
	if c.login == "" || c.password == "" {
		return errReply(530, "")
	}
	a, ok := s.authenticate(w, c.login, c.password)
	if !ok {
		return errReply(530, "")
	}
	if a.ipDenied {
		return errReply(531, "IP address "+ip+" is not allowed for user "+a.login)
	}
	return s.dispatch(w, a, c)
}

// lateDelay is how long late answers wait.
func (s *Sim) lateDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slowDelay
}
