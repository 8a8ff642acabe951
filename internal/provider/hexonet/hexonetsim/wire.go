package hexonetsim

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// call is one decoded API request.
type call struct {
	entity, login, password string
	// command is the COMMAND attribute as sent; cmd is it lower-cased for dispatch.
	command, cmd string
	// attrs are the command's attributes with upper-case keys.
	attrs map[string]string
}

// decodeCall reads the connection fields and the command. The command text is in s_command as
// KEY=VALUE lines; attributes may also come as plain form fields (command=statusaccount), which the
// command text overrides.
func decodeCall(form url.Values) call {
	c := call{
		entity:   strings.TrimSpace(form.Get("s_entity")),
		login:    strings.TrimSpace(form.Get("s_login")),
		password: form.Get("s_pw"),
		attrs:    map[string]string{},
	}
	for k, vs := range form {
		if strings.HasPrefix(strings.ToLower(k), "s_") || len(vs) == 0 {
			continue
		}
		c.attrs[strings.ToUpper(strings.TrimSpace(k))] = strings.TrimSpace(vs[0])
	}
	for line := range strings.SplitSeq(form.Get("s_command"), "\n") {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), "=")
		if !ok {
			continue
		}
		if k = strings.ToUpper(strings.TrimSpace(k)); k != "" {
			c.attrs[k] = strings.TrimSpace(v)
		}
	}
	c.command = c.attrs["COMMAND"]
	c.cmd = strings.ToLower(c.command)
	return c
}

// get returns an attribute.
func (c call) get(key string) string { return c.attrs[key] }

// indexed returns the values of KEY0, KEY1, ... in index order, skipping empty ones.
func (c call) indexed(key string) []string {
	type iv struct {
		i int
		v string
	}
	var found []iv
	for k, v := range c.attrs {
		if !strings.HasPrefix(k, key) {
			continue
		}
		n, err := strconv.Atoi(k[len(key):])
		if err != nil || n < 0 || strings.TrimSpace(v) == "" {
			continue
		}
		found = append(found, iv{n, v})
	}
	slices.SortFunc(found, func(a, b iv) int { return a.i - b.i })
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.v
	}
	return out
}

// csr returns the PEM request sent as CSR0..N (one line each), or a whole PEM in CSR.
func (c call) csr() string {
	lines := c.indexed("CSR")
	if len(lines) == 0 && c.get("CSR") != "" {
		return c.get("CSR")
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// reply is an answer being built: code, description and properties, written in HEXONET's plain-text
// format.
type reply struct {
	code  int
	desc  string
	props map[string][]string
}

func newReply(code int, desc string) *reply {
	return &reply{code: code, desc: desc, props: map[string][]string{}}
}

func ok() *reply { return newReply(200, "Command completed successfully") }

// add appends values to a property. A property added with no values is written as one empty value.
func (r *reply) add(name string, values ...string) *reply {
	r.props[name] = append(r.props[name], values...)
	if len(r.props[name]) == 0 {
		r.props[name] = []string{""}
	}
	return r
}

// addPEM writes a PEM text one line per index, as HEXONET does for CRT, CACRT and CSR.
func (r *reply) addPEM(name, pemText string) *reply {
	for l := range strings.SplitSeq(pemText, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			r.props[name] = append(r.props[name], l)
		}
	}
	return r
}

// bytes renders the answer: properties sorted by name as in HEXONET's documentation, empty values as
// "PROPERTY[X][0] =", CRLF line ends.
func (r *reply) bytes() []byte {
	var b strings.Builder
	b.WriteString("[RESPONSE]\r\n")
	fmt.Fprintf(&b, "CODE = %d\r\n", r.code)
	fmt.Fprintf(&b, "DESCRIPTION = %s\r\n", r.desc)
	names := make([]string, 0, len(r.props))
	for n := range r.props {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		for i, v := range r.props[n] {
			line := fmt.Sprintf("PROPERTY[%s][%d] = %s", n, i, strings.NewReplacer("\r", "", "\n", " ").Replace(v))
			b.WriteString(strings.TrimRight(line, " ") + "\r\n")
		}
	}
	b.WriteString("QUEUETIME = 0\r\nRUNTIME = 0.012\r\nEOF\r\n")
	return []byte(b.String())
}

// The answers of HEXONET's documented result codes that the simulator gives.
func errReply(code int, detail string) *reply {
	desc, known := codeTexts[code]
	if !known {
		desc = "Command failed"
	}
	if detail != "" {
		desc += "; " + detail
	}
	return newReply(code, desc)
}

var codeTexts = map[int]string{
	421: "Command failed due to server error. Client should try again",
	500: "Invalid command name",
	504: "Missing required attribute",
	505: "Invalid attribute value syntax",
	507: "Invalid command format",
	510: "Command not supported for this class",
	530: "Authentication failed",
	531: "Authorization failed",
	541: "Invalid attribute value",
	545: "Object not found",
	546: "Credit limit exceeded",
	549: "Command failed",
	552: "Object status does not allow for operation",
	555: "Object already renewed",
}

// malformedBody is what a "malformed" scenario answers: an answer cut off before its end.
const malformedBody = "[RESPONSE]\r\nCODE = 200\r\nDESCRIPTION = Command completed successfully\r\nPROPERTY[SSLCERTID][0] = "

// unavailableBody is the page a "temporary 5xx" scenario answers with.
const unavailableBody = "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The API is temporarily unavailable (simulated).</p></body></html>\n"

// formatTime writes a date the way HEXONET does.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// formatCents writes minor units as a decimal with two places ("19.00", "-3.50").
func formatCents(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}
