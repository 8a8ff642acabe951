package sectigosim

import (
	"net/http"
	"strconv"
	"strings"
)

// Output formats of an answer.
const (
	formatLines = 0 // responseFormat=0: newline-delimited
	formatForm  = 1 // responseFormat=1: URL-encoded
)

// pair is one key=value of an URL-encoded answer; keys may repeat.
type pair struct{ k, v string }

// answer is what an endpoint says, in both shapes; the writer picks the one the request asked for.
type answer struct {
	code    int
	message string   // for code < 0
	item    string   // errorItem, for argument errors
	form    []pair   // URL-encoded body after errorCode (success)
	lines   []string // newline body after the code line (success)
	// raw, when set, is written as is (native formats that are neither of the two).
	raw string
	// codeKey and messageKey name the code and message keys (WebHostReport says error_code).
	codeKey, messageKey string
}

// phpURLEncode encodes like PHP's urlencode, which Sectigo's answers use: letters, digits, '-', '_' and
// '.' stay, space becomes '+', every other byte becomes %XX in upper case.
func phpURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// encodeForm renders an answer URL-encoded.
func encodeForm(a answer) string {
	codeKey, msgKey := a.codeKey, a.messageKey
	if codeKey == "" {
		codeKey, msgKey = "errorCode", "errorMessage"
	}
	parts := []string{codeKey + "=" + strconv.Itoa(a.code)}
	if a.code < 0 {
		if a.item != "" {
			parts = append(parts, "errorItem="+phpURLEncode(a.item))
		}
		parts = append(parts, msgKey+"="+phpURLEncode(a.message))
		return strings.Join(parts, "&")
	}
	for _, p := range a.form {
		parts = append(parts, phpURLEncode(p.k)+"="+phpURLEncode(p.v))
	}
	return strings.Join(parts, "&")
}

// encodeLines renders an answer newline-delimited: the code, then the message or the values.
func encodeLines(a answer) string {
	out := []string{strconv.Itoa(a.code)}
	if a.code < 0 {
		out = append(out, a.message)
	} else {
		out = append(out, a.lines...)
	}
	return strings.Join(out, "\n") + "\n"
}

func writeAnswer(w http.ResponseWriter, format int, a answer) {
	var body, ctype string
	switch {
	case a.raw != "":
		body, ctype = a.raw, "text/plain; charset=UTF-8"
	case format == formatForm:
		body, ctype = encodeForm(a), "application/x-www-form-urlencoded"
	default:
		body, ctype = encodeLines(a), "text/plain; charset=UTF-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

// Sectigo-style error answers.
func errMissing(arg string) answer {
	return answer{code: -3, item: arg, message: "The '" + arg + "' argument is missing!"}
}

func errUnrecognised(arg string) answer {
	return answer{code: -2, item: arg, message: "'" + arg + "' is an unrecognised argument!"}
}

func errInvalid(arg string) answer {
	return answer{code: -4, item: arg, message: "The value of the '" + arg + "' argument is invalid!"}
}

func errCode(code int, msg string) answer { return answer{code: code, message: msg} }

// garbledPage is what a broken upstream sends instead of an answer: a script warning, no status code.
const garbledPage = "<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent in " +
	"/srv/products/api.php on line 42<br />\n"

const unavailablePage = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>" +
	"<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n"
