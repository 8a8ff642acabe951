package hexonet

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// Response is one parsed HEXONET answer: the result code and description, and the indexed properties
// (PROPERTY[NAME][INDEX] = value) as an ordered list per property name. Names are case-insensitive.
type Response struct {
	// Code is the result code: 2xx success, 4xx temporary failure, 5xx error.
	Code int
	// Description is the result text, with any detail after a ";" (e.g. "Missing required attribute;
	// SSLCERTCLASS").
	Description string
	// QueueTime and RunTime are the server's timing lines, as sent.
	QueueTime, RunTime string

	fields  map[string]string
	props   map[string][]string
	padding int
}

// Success reports a 2xx code.
func (r *Response) Success() bool { return r.Code >= 200 && r.Code < 300 }

// Property returns the values of the named property in index order (a copy); nil when absent.
func (r *Response) Property(name string) []string {
	return slices.Clone(r.props[strings.ToUpper(strings.TrimSpace(name))])
}

// First returns the value at index 0 of the named property, or "" when absent.
func (r *Response) First(name string) string {
	if v := r.props[strings.ToUpper(strings.TrimSpace(name))]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether the named property is present (possibly with empty values).
func (r *Response) Has(name string) bool {
	_, ok := r.props[strings.ToUpper(strings.TrimSpace(name))]
	return ok
}

// PropertyNames returns the upper-cased names of all properties, sorted.
func (r *Response) PropertyNames() []string {
	names := make([]string, 0, len(r.props))
	for n := range r.props {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Field returns a top-level line other than CODE, DESCRIPTION and the properties (for example a field
// a future server version adds), or "".
func (r *Response) Field(name string) string {
	return r.fields[strings.ToUpper(strings.TrimSpace(name))]
}

// bool reads the first value of a property as a boolean; HEXONET writes TRUE/FALSE or 1/0, in any case.
func (r *Response) bool(name string) bool { return parseBool(r.First(name)) }

// int reads the first value of a property as an integer; anything else is 0.
func (r *Response) int(name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.First(name)))
	if err != nil {
		return 0
	}
	return n
}

// time reads the first value of a property as a HEXONET date; anything unreadable is the zero time.
func (r *Response) time(name string) time.Time {
	t, err := parseTime(r.First(name))
	if err != nil {
		return time.Time{}
	}
	return t
}

// pem joins a property sent one PEM line per index back into a PEM block with a final newline; "" when
// the property is absent or all empty.
func (r *Response) pem(name string) string {
	var lines []string
	for _, l := range r.props[strings.ToUpper(name)] {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// maxPadding bounds how many empty values the parser fills in for indexes skipped in a body. Real
// answers number their values without gaps; a hostile or damaged body with huge or scattered indexes
// must not make the parser allocate gigabytes.
const maxPadding = 1 << 16

// parseResponse reads a HEXONET answer. It accepts CRLF or LF line ends, keys in any case, "=" or ":"
// between key and value with any blanks around it, empty values, CDATA-wrapped values, properties with
// or without an index and in any order, and unknown extra lines. The "[RESPONSE]" header and "EOF" trailer
// are optional (embedded answers such as QueryOrderList's LASTRESPONSE have neither), but a body that
// starts with the header must end with EOF, so that a truncated answer is never taken for a complete
// one. A body without a numeric CODE line is malformed. Errors are Temporary *provider.Error values:
// a damaged answer is retried, never taken as a refusal.
func parseResponse(body []byte) (*Response, error) {
	text := strings.TrimPrefix(string(body), "\ufeff")
	r := &Response{Code: -1, fields: map[string]string{}, props: map[string][]string{}}
	var header, eof bool
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || eof {
			continue
		}
		switch strings.ToUpper(line) {
		case "[RESPONSE]":
			header = true
			continue
		case "EOF":
			eof = true
			continue
		}
		key, value, ok := splitLine(line)
		if !ok {
			continue
		}
		ukey := strings.ToUpper(key)
		if strings.HasPrefix(ukey, "PROPERTY[") {
			if err := r.addProperty(ukey, value); err != nil {
				return nil, err
			}
			continue
		}
		switch ukey {
		case "CODE":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > 999 {
				return nil, malformed("its CODE line is not a number")
			}
			r.Code = n
		case "DESCRIPTION":
			r.Description = value
		case "QUEUETIME":
			r.QueueTime = value
		case "RUNTIME":
			r.RunTime = value
		default:
			r.fields[ukey] = value
		}
	}
	if r.Code < 0 {
		if strings.Contains(strings.ToLower(text), "<html") {
			return nil, malformed("it is an HTML page, not an API response")
		}
		return nil, malformed("it has no CODE line")
	}
	if header && !eof {
		return nil, malformed("it ends before the EOF line (truncated)")
	}
	return r, nil
}

// addProperty stores one PROPERTY[NAME][INDEX] line; ukey is upper-cased.
func (r *Response) addProperty(ukey, value string) error {
	rest := strings.TrimPrefix(ukey, "PROPERTY[")
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return nil // not a property line after all; ignore it
	}
	name := strings.TrimSpace(rest[:end])
	if name == "" {
		return nil
	}
	vals := r.props[name]
	idxText := strings.TrimSpace(rest[end+1:])
	if idxText == "" {
		r.props[name] = append(vals, value)
		return nil
	}
	if !strings.HasPrefix(idxText, "[") || !strings.HasSuffix(idxText, "]") {
		return nil
	}
	idx, err := strconv.Atoi(strings.TrimSpace(idxText[1 : len(idxText)-1]))
	if err != nil || idx < 0 {
		return nil
	}
	if gap := idx - len(vals); gap > 0 {
		r.padding += gap
		if r.padding > maxPadding {
			return malformed("property " + name + " has an impossible index")
		}
	}
	for len(vals) <= idx {
		vals = append(vals, "")
	}
	vals[idx] = value
	r.props[name] = vals
	return nil
}

// splitLine splits "KEY = value" or "KEY: value" at whichever separator comes first, trimming blanks
// around both parts and unwrapping a CDATA section. The key must not be empty.
func splitLine(line string) (key, value string, ok bool) {
	i := strings.IndexAny(line, "=:")
	if i <= 0 {
		return "", "", false
	}
	key = strings.TrimSpace(line[:i])
	if key == "" {
		return "", "", false
	}
	value = strings.TrimSpace(line[i+1:])
	if strings.HasPrefix(value, "<![CDATA[") && strings.HasSuffix(value, "]]>") && len(value) >= len("<![CDATA[]]>") {
		value = value[len("<![CDATA[") : len(value)-len("]]>")]
	}
	return key, value, true
}

// malformed is the error for a body the parser cannot use.
func malformed(why string) *provider.Error {
	return &provider.Error{
		Class:   provider.Temporary,
		Message: "HEXONET answered with something that is not a valid API response (" + why + "); the call will be retried",
		Code:    "malformed",
	}
}

// parseBool reads HEXONET booleans: TRUE/FALSE, 1/0, YES/NO in any case; anything else is false.
func parseBool(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y", "on":
		return true
	}
	return false
}

// timeLayouts are the date forms HEXONET writes ("2016-11-02 10:53:28", UTC) and a few a gateway might.
var timeLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime reads a HEXONET date and time, taken as UTC when it names no zone. Empty is the zero time
// without an error.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	var firstErr error
	for _, layout := range timeLayouts {
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err == nil {
			return t.UTC(), nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return time.Time{}, firstErr
}

// formatTime writes a time the way HEXONET reads it in list filters.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }
