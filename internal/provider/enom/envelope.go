package enom

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// envelope is the part every Enom response shares: the command echo, the error list and the Done
// flag around the command's own fields.
type envelope struct {
	root    *node // <interface-response>, or the Text document
	command string
	errs    []upstreamError
}

var (
	errKey     = regexp.MustCompile(`(?i)^err(\d+)$`)
	respNumKey = regexp.MustCompile(`(?i)^responsenumber(\d*)$`)
	respStrKey = regexp.MustCompile(`(?i)^responsestring(\d*)$`)
)

// malformed is the error for a body that is not a complete Enom response.
func malformed(command, why string) *provider.Error {
	return &provider.Error{
		Class:   provider.Temporary,
		Command: command,
		Message: "Enom sent a response that could not be read (" + why + "); the request will be retried",
		Err:     ErrOutcomeUnknown,
	}
}

// decode reads a response body and returns its envelope, or the classified error it reports. A
// body without ErrCount, a truncated one, or a success without Done=true is malformed (Temporary,
// outcome unknown): Done is Enom's own marker that the whole response arrived.
func decode(command string, body []byte) (*envelope, error) {
	doc, err := parseDocument(body)
	truncated := err == errTruncated
	if err != nil && !truncated {
		return nil, malformed(command, err.Error())
	}
	root := doc
	if r := doc.find("interface-response"); r != nil {
		root = r
	}
	env := &envelope{root: root, command: root.str("Command")}
	countNode := root.get("ErrCount")
	if countNode == nil {
		return nil, malformed(command, "it has no ErrCount; it may be an error page from a proxy or an incomplete answer")
	}
	count, convErr := strconv.Atoi(countNode.value())
	if convErr != nil || count < 0 {
		return nil, malformed(command, "ErrCount is "+strconv.Quote(truncate(countNode.value(), 40)))
	}
	if count > 0 {
		env.errs = readErrors(root)
		return nil, classify(command, env.errs)
	}
	if truncated {
		return nil, malformed(command, errTruncated.Error())
	}
	if done := root.get("Done"); done == nil || !parseBool(done.value()) {
		return nil, malformed(command, "it does not end with Done=true, so it is incomplete")
	}
	return env, nil
}

// readErrors collects Err1…ErrN with the ResponseNumber/ResponseString of the same position. XML
// keeps them in <errors> and <responses><response>; Text numbers every key.
func readErrors(root *node) []upstreamError {
	type indexed struct {
		idx int
		val string
	}
	var texts, nums, strs []indexed
	seq := map[string]int{}
	root.walk(func(n *node) {
		name := n.name
		take := func(re *regexp.Regexp, list *[]indexed, kind string) bool {
			m := re.FindStringSubmatch(name)
			if m == nil {
				return false
			}
			idx := 0
			if m[1] != "" {
				idx, _ = strconv.Atoi(m[1])
			} else {
				seq[kind]++
				idx = seq[kind]
			}
			*list = append(*list, indexed{idx, n.value()})
			return true
		}
		_ = take(errKey, &texts, "err") || take(respNumKey, &nums, "num") || take(respStrKey, &strs, "str")
	})
	byIdx := map[int]*upstreamError{}
	var order []int
	at := func(i int) *upstreamError {
		if e, ok := byIdx[i]; ok {
			return e
		}
		e := &upstreamError{}
		byIdx[i] = e
		order = append(order, i)
		return e
	}
	for _, t := range texts {
		if t.val != "" {
			at(t.idx).Text = t.val
		}
	}
	for _, t := range nums {
		if t.val != "" {
			at(t.idx).Number = t.val
		}
	}
	for _, t := range strs {
		if e, ok := byIdx[t.idx]; ok {
			e.Detail = t.val
		}
	}
	out := make([]upstreamError, 0, len(order))
	for _, i := range order {
		e := byIdx[i]
		// A response number of the success class (1xxxxx) is not an error.
		if e.Text == "" && strings.HasPrefix(e.Number, "1") {
			continue
		}
		out = append(out, *e)
	}
	return out
}

// truncate shortens s for a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// commandNode returns the element named after the command (e.g. <CertGetCerts>), or the root when
// the command puts its fields directly under it.
func (e *envelope) commandNode(names ...string) *node {
	for _, name := range names {
		if n := e.root.find(name); n != nil {
			return n
		}
	}
	return e.root
}
