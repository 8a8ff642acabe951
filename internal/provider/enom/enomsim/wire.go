package enomsim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// el is one element of a response the simulator writes: a leaf with text (optionally in CDATA), or
// a group of child elements. The same tree is written as XML or flattened into the Text format.
type el struct {
	name  string
	attrs [][2]string
	text  string
	cdata bool
	kids  []el
	group bool
}

func leaf(name, text string) el        { return el{name: name, text: text} }
func cdataLeaf(name, text string) el   { return el{name: name, text: text, cdata: true} }
func group(name string, kids ...el) el { return el{name: name, kids: kids, group: true} }
func boolText(b bool) string           { return map[bool]string{true: "True", false: "False"}[b] }
func intLeaf(name string, n int) el    { return leaf(name, strconv.Itoa(n)) }
func optIntLeaf(name string, n int) el {
	if n == 0 {
		return leaf(name, "")
	}
	return intLeaf(name, n)
}

// simError is one error of a response, with Enom's six-digit number when the simulator knows one.
type simError struct {
	text   string
	number string
	detail string // "category; reason ; parameter"
}

// reply is what a command produced: its fields or its errors.
type reply struct {
	command string // as requested; echoed upper-cased
	fields  []el
	errs    []simError
}

func fail(command, text, number, detail string) *reply {
	return &reply{command: command, errs: []simError{{text: text, number: number, detail: detail}}}
}

const crlf = "\r\n"

// Escapers for element text and attribute values: only what XML requires, as Enom's .NET writer
// does (an apostrophe stays an apostrophe).
var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
)

// renderXML writes the reply the way Enom's XML interface does: the command's elements, then the
// common trailer (Command, APIType, Language, ErrCount, errors, responses, …, Done, TrackingKey,
// RequestDateTime), with CRLF line ends.
func renderXML(r *reply, now time.Time) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + crlf + "<interface-response>" + crlf)
	for _, f := range r.fields {
		writeEl(&b, f, 1)
	}
	for _, f := range trailer(r, now) {
		writeEl(&b, f, 1)
	}
	b.WriteString("</interface-response>" + crlf)
	return []byte(b.String())
}

func writeEl(b *strings.Builder, e el, depth int) {
	indent := strings.Repeat(" ", depth)
	b.WriteString(indent + "<" + e.name)
	for _, a := range e.attrs {
		b.WriteString(" " + a[0] + `="` + attrEscaper.Replace(a[1]) + `"`)
	}
	switch {
	case e.group:
		b.WriteString(">" + crlf)
		for _, k := range e.kids {
			writeEl(b, k, depth+1)
		}
		b.WriteString(indent + "</" + e.name + ">" + crlf)
	case e.cdata:
		b.WriteString("><![CDATA[" + strings.ReplaceAll(e.text, "]]>", "]]]]><![CDATA[>") + "]]></" + e.name + ">" + crlf)
	case e.text == "":
		b.WriteString("/>" + crlf)
	default:
		b.WriteString(">" + textEscaper.Replace(e.text) + "</" + e.name + ">" + crlf)
	}
}

// trailer is the common part of every response.
func trailer(r *reply, now time.Time) []el {
	out := []el{
		leaf("Command", strings.ToUpper(r.command)),
		leaf("APIType", "API.NET"),
		leaf("Language", "eng"),
		intLeaf("ErrCount", len(r.errs)),
	}
	var errs, resps []el
	for i, e := range r.errs {
		errs = append(errs, leaf("Err"+strconv.Itoa(i+1), e.text))
		if e.number != "" {
			resps = append(resps, group("response", leaf("ResponseNumber", e.number), leaf("ResponseString", e.detail)))
		}
	}
	if len(errs) > 0 {
		out = append(out, group("errors", errs...))
	}
	out = append(out, intLeaf("ResponseCount", len(resps)))
	if len(resps) > 0 {
		out = append(out, group("responses", resps...))
	}
	return append(out,
		leaf("MinPeriod", "1"),
		leaf("MaxPeriod", "10"),
		leaf("Server", "SIMULATOR"),
		leaf("Site", "eNom"),
		leaf("IsLockable", ""),
		leaf("IsRealTimeTLD", ""),
		leaf("TimeDifference", "+0.00"),
		leaf("ExecTime", "0.012"),
		leaf("Done", "true"),
		leaf("TrackingKey", trackingKey()),
		leaf("RequestDateTime", usDateTime(now)),
	)
}

// renderText writes the reply in Enom's Text format: comment lines, then Key=Value lines of the
// command's leaves in order (groups flattened away), errors and responses numbered.
func renderText(r *reply, now time.Time) []byte {
	var b strings.Builder
	b.WriteString(";URL Interface" + crlf + ";Machine is SIMULATOR" + crlf + ";Encoding Type is utf-8" + crlf)
	var flat func(e el)
	flat = func(e el) {
		if e.group {
			for _, k := range e.kids {
				flat(k)
			}
			return
		}
		b.WriteString(e.name + "=" + strings.ReplaceAll(e.text, "\n", crlf) + crlf)
	}
	for _, f := range r.fields {
		flat(f)
	}
	fmt.Fprintf(&b, "Command=%s%sAPIType=API.NET%sLanguage=eng%sErrCount=%d%s", strings.ToUpper(r.command), crlf, crlf, crlf, len(r.errs), crlf)
	n := 0
	for i, e := range r.errs {
		fmt.Fprintf(&b, "Err%d=%s%s", i+1, e.text, crlf)
	}
	for _, e := range r.errs {
		if e.number != "" {
			n++
			fmt.Fprintf(&b, "ResponseNumber%d=%s%sResponseString%d=%s%s", n, e.number, crlf, n, e.detail, crlf)
		}
	}
	fmt.Fprintf(&b, "ResponseCount=%d%sMinPeriod=1%sMaxPeriod=10%sServer=SIMULATOR%sSite=eNom%s", n, crlf, crlf, crlf, crlf, crlf)
	fmt.Fprintf(&b, "TimeDifference=+0.00%sExecTime=0.012%sDone=true%sTrackingKey=%s%sRequestDateTime=%s%s",
		crlf, crlf, crlf, trackingKey(), crlf, usDateTime(now), crlf)
	return []byte(b.String())
}

// usDateTime and usDate are Enom's date formats.
func usDateTime(t time.Time) string { return t.Format("1/2/2006 3:04:05 PM") }
func usDate(t time.Time) string     { return t.Format("1/2/2006") }

// optDateTime writes a zero time as empty.
func optDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return usDateTime(t)
}

func optDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return usDate(t)
}

// money writes cents as Enom does in GetBalance: "2,261.65", "-1,832.23".
func money(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var grouped []string
	for len(whole) > 3 {
		grouped = append([]string{whole[len(whole)-3:]}, grouped...)
		whole = whole[:len(whole)-3]
	}
	grouped = append([]string{whole}, grouped...)
	s := fmt.Sprintf("%s.%02d", strings.Join(grouped, ","), cents%100)
	if neg {
		s = "-" + s
	}
	return s
}

// price writes a catalogue price: "$9.95".
func price(cents int64) string { return "$" + money(cents) }

func trackingKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
