package enom

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// node is one element of an Enom response. XML responses become a tree; Text responses become one root
// whose children are the Key=Value lines in order. Names are compared case-insensitively throughout,
// because Enom mixes casings of the same element (CertGetApproverEMail, ResponseType/responsetype).
type node struct {
	name  string
	attrs []xml.Attr
	text  strings.Builder
	kids  []*node
}

// value is the element's own text, trimmed.
func (n *node) value() string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.text.String())
}

// attr returns an attribute value by case-insensitive name.
func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// child returns the first direct child with the name.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			return k
		}
	}
	return nil
}

// find returns the first descendant with the name, depth first in document order.
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// get prefers a direct child and falls back to any descendant: command elements hold their fields
// directly, but some responses put them one level deeper or straight under the root.
func (n *node) get(name string) *node {
	if c := n.child(name); c != nil {
		return c
	}
	return n.find(name)
}

// str is the trimmed text of get(name).
func (n *node) str(name string) string { return n.get(name).value() }

// all returns every descendant with the name, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	n.walk(func(k *node) {
		if strings.EqualFold(k.name, name) {
			out = append(out, k)
		}
	})
	return out
}

// walk calls fn for every descendant in document order.
func (n *node) walk(fn func(*node)) {
	if n == nil {
		return
	}
	for _, k := range n.kids {
		fn(k)
		k.walk(fn)
	}
}

// maxDepth bounds element nesting; Enom responses are at most four levels deep.
const maxDepth = 64

// errTruncated says the XML document ended inside an open element.
var errTruncated = errors.New("the response ends in the middle of an element")

// parseDocument reads a response body in either of Enom's machine formats: XML when the first
// meaningful character is '<', otherwise the Text format. The returned root is a synthetic document
// element whose children are the top-level elements (XML) or the lines (Text).
func parseDocument(body []byte) (*node, error) {
	body = toUTF8(body)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("the response is empty")
	}
	if trimmed[0] == '<' {
		return parseXML(trimmed)
	}
	return parseText(trimmed), nil
}

// parseXML builds the element tree without encoding/xml's own nesting checks, which reject end tags
// in another case (<B>…</b>) and stray end tags (the vendor's CertReissueCert sample closes
// </interface-response> without opening it). Unmatched end tags are ignored; an end tag closes the
// nearest open element of that name. A document that ends with elements still open is truncated.
func parseXML(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(stripIllegalXMLChars(data)))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charsetReader
	doc := &node{}
	stack := []*node{doc}
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			if len(stack) > 1 {
				return doc, errTruncated
			}
			return doc, nil
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > maxDepth {
				return nil, errors.New("the response is nested too deeply")
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			for i := len(stack) - 1; i > 0; i-- {
				if strings.EqualFold(stack[i].name, t.Name.Local) {
					stack = stack[:i]
					break
				}
			}
		case xml.CharData:
			top.text.Write(t)
		}
	}
}

// textKey is what may stand before the separator of a Text line.
var textKey = regexp.MustCompile(`^-?[A-Za-z][A-Za-z0-9_.\-]*$`)

// parseText reads the Text format: comment lines start with ';', every other line is Key=Value or
// Key: Value (the vendor documents show both), and lines may end in CRLF, LF or a bare CR. A value
// holding a PEM block continues over the following lines until its END line; any other line without
// a key continues the previous value.
func parseText(data []byte) *node {
	doc := &node{}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var last *node
	inPEM := false
	for _, raw := range strings.Split(s, "\n") {
		line := strings.TrimSpace(raw)
		line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(line, "<br>"), "<BR>"))
		if inPEM && last != nil {
			last.text.WriteString("\n" + line)
			if strings.HasPrefix(line, "-----END") {
				inPEM = false
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, ";") {
			continue
		}
		key, val, ok := splitTextLine(line)
		if !ok {
			if last != nil {
				last.text.WriteString("\n" + line)
			}
			continue
		}
		last = &node{name: strings.TrimPrefix(key, "-")}
		last.text.WriteString(val)
		doc.kids = append(doc.kids, last)
		inPEM = strings.Contains(val, "-----BEGIN") && !strings.Contains(val, "-----END")
	}
	return doc
}

// splitTextLine splits at the first '=' or ':' that has a plausible key before it.
func splitTextLine(line string) (key, val string, ok bool) {
	for i, r := range line {
		if r != '=' && r != ':' {
			continue
		}
		k := strings.TrimSpace(line[:i])
		if !textKey.MatchString(k) {
			return "", "", false
		}
		return k, strings.TrimSpace(line[i+1:]), true
	}
	return "", "", false
}

// toUTF8 converts a UTF-16 body (with a byte order mark) and a body that is not valid UTF-8 (taken
// as Windows-1252, what an IIS server sends when it says nothing) to UTF-8. A UTF-8 byte order
// mark is dropped.
func toUTF8(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF):
		return decodeUTF16(b[2:], b[0] == 0xFF)
	}
	if utf8.Valid(b) {
		return b
	}
	return latin1ToUTF8(b)
}

func decodeUTF16(b []byte, little bool) []byte {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if little {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		} else {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
	}
	return []byte(string(utf16.Decode(u)))
}

func latin1ToUTF8(b []byte) []byte {
	var out strings.Builder
	out.Grow(len(b) + len(b)/4)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out.WriteRune(rune(b[0]))
		} else {
			out.WriteRune(r)
		}
		b = b[size:]
	}
	return []byte(out.String())
}

// charsetReader accepts any declared encoding: by the time encoding/xml reads the declaration the
// body is already UTF-8 (toUTF8), and Enom's .NET servers are known to declare utf-16 over UTF-8 bytes.
func charsetReader(_ string, r io.Reader) (io.Reader, error) { return r, nil }

// stripIllegalXMLChars drops control characters XML 1.0 forbids, which encoding/xml refuses even
// when not strict.
func stripIllegalXMLChars(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			clean = false
			break
		}
	}
	if clean && utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size == 1:
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
		case r == 0xFFFE || r == 0xFFFF:
		default:
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}
