package sectigo

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// reply is a Sectigo answer in either format, read tolerantly.
//
// Newline format (responseFormat=0 and the native format of GetDCVEmailAddressList and DecodeCSR): the
// first line is an integer (the status code, or DecodeCSR's error count); on an error the second line is
// the message; other lines are positional values or "name<TAB>value" / "name=value" / "name: value"
// pairs. URL-encoded format (responseFormat=1, and the native format of AutoUpdateDCV, ResendDCVEmail and
// WebHostReport): key=value pairs joined by '&', repeated keys allowed; a body split into lines of pairs
// (or of "Key: Value") is read too. Keys are compared case-insensitively.
type reply struct {
	newline bool
	hasCode bool
	code    int
	keys    []string
	vals    []string
	lines   []string // newline format: every line after the first, CR removed and trimmed
}

// errUnreadable is returned by parseReply for a body in neither format.
var errUnreadable = errors.New("not in Sectigo's response format")

// parseReply reads a body in either format. A body that is empty or has neither a leading integer line
// nor key=value pairs is errUnreadable.
func parseReply(body []byte) (*reply, error) {
	s := strings.TrimPrefix(string(body), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errUnreadable
	}
	lines := strings.Split(s, "\n")
	r := &reply{}
	if n, ok := atoi(lines[0]); ok {
		r.newline, r.hasCode, r.code = true, true, n
		inPEM := false
		for _, l := range lines[1:] {
			l = strings.TrimSpace(l)
			r.lines = append(r.lines, l)
			switch {
			case strings.HasPrefix(l, "-----BEGIN"):
				inPEM = true
			case strings.HasPrefix(l, "-----END"):
				inPEM = false
			case !inPEM:
				if k, v, ok := splitPair(l); ok {
					r.add(k, v)
				}
			}
		}
		return r, nil
	}
	if strings.Contains(s, "&") {
		// One '&'-joined body; values keep any raw line breaks (a PEM sent unencoded).
		for _, pair := range strings.Split(s, "&") {
			k, v, _ := strings.Cut(pair, "=")
			k, v = unescape(strings.TrimSpace(k)), unescape(strings.TrimSpace(v))
			if validKey(k) {
				r.add(k, v)
			}
		}
	} else {
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if k, v, ok := splitPair(l); ok {
				r.add(k, unescape(v))
			}
		}
	}
	if len(r.keys) == 0 {
		return nil, errUnreadable
	}
	for _, k := range []string{"errorCode", "error_code"} {
		if v, ok := r.lookup(k); ok {
			if n, ok := atoi(v); ok {
				r.hasCode, r.code = true, n
			}
			break
		}
	}
	return r, nil
}

func (r *reply) add(k, v string) {
	r.keys = append(r.keys, strings.TrimSpace(k))
	r.vals = append(r.vals, v)
}

// lookup returns the first value of key, case-insensitively.
func (r *reply) lookup(key string) (string, bool) {
	for i, k := range r.keys {
		if strings.EqualFold(k, key) {
			return r.vals[i], true
		}
	}
	return "", false
}

// get returns the first value of the first of keys present, trimmed.
func (r *reply) get(keys ...string) string {
	for _, k := range keys {
		if v, ok := r.lookup(k); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// all returns every value of key in order.
func (r *reply) all(key string) []string {
	var out []string
	for i, k := range r.keys {
		if strings.EqualFold(k, key) {
			out = append(out, r.vals[i])
		}
	}
	return out
}

// message is the error text: errorMessage in URL-encoded answers, the second line in newline ones.
func (r *reply) message() string {
	if m := r.get("errorMessage", "error_message", "errorDetail"); m != "" {
		return m
	}
	if r.newline {
		for _, l := range r.lines {
			if l != "" {
				return l
			}
		}
	}
	return ""
}

// failure returns the classified error of a negative code, or nil.
func (r *reply) failure(command string) error {
	if !r.hasCode || r.code >= 0 {
		return nil
	}
	return classify(command, r.code, r.message(), r.get("errorItem", "error_item"))
}

// positional returns the i-th line after the status line of a newline answer ("" when absent), or the
// value of key in a URL-encoded one. Newline lines that are themselves "key=value" pairs are read by key.
func (r *reply) positional(i int, key string) string {
	if v := r.get(key); v != "" || !r.newline {
		return v
	}
	if i < len(r.lines) {
		if _, _, isPair := splitPair(r.lines[i]); !isPair {
			return r.lines[i]
		}
	}
	return ""
}

// readReply parses body and returns the reply or, when the body is unreadable, the classified error.
func readReply(command string, httpStatus int, body []byte) (*reply, error) {
	r, err := parseReply(body)
	if err != nil {
		return nil, classifyText(command, httpStatus, string(body))
	}
	if !r.hasCode {
		return nil, classifyText(command, httpStatus, string(body))
	}
	return r, nil
}

// splitPair reads "name=value", "name: value" or "name<TAB>value" (and "name<spaces>value" for names with
// an underscore, as GetDCVEmailAddressList writes them). It reports false for lines that are not pairs.
func splitPair(l string) (string, string, bool) {
	i := strings.IndexAny(l, "=:\t")
	if i <= 0 {
		if j := strings.IndexByte(l, ' '); j > 0 && strings.Contains(l[:j], "_") && validKey(l[:j]) {
			return l[:j], strings.TrimSpace(l[j+1:]), true
		}
		return "", "", false
	}
	k := strings.TrimSpace(l[:i])
	if !validKey(k) {
		return "", "", false
	}
	return k, strings.TrimSpace(l[i+1:]), true
}

// validKey accepts the key names Sectigo uses: letters, digits, '_', '(', ')' and '-', at most 64.
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '(' || c == ')' || c == '-') {
			return false
		}
	}
	return true
}

// unescape decodes a form value; a value that is not valid percent-encoding is kept as sent.
func unescape(s string) string {
	if v, err := url.QueryUnescape(s); err == nil {
		return v
	}
	return strings.ReplaceAll(s, "+", " ")
}

// atoi reads a decimal integer, allowing surrounding space and a leading '+'.
func atoi(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 12 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
	return n, err == nil
}

// yes reads Sectigo's and friends' booleans: Y, yes, true, 1 (any case).
func yes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "true", "1", "on":
		return true
	}
	return false
}
