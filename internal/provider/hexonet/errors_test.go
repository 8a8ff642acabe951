package hexonet

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// codeCases has at least one case per row of codeRules, with the documented descriptions.
var codeCases = []struct {
	code  int
	desc  string
	class provider.Class
	field string
	// says is a word the staff message must contain.
	says string
}{
	{421, "Command failed due to server error. Client should try again (maintenance)", provider.Temporary, "", "maintenance"},
	{549, "Command failed; system maintenance in progress", provider.Temporary, "", "maintenance"},
	{549, "Command failed; rate limit reached", provider.Temporary, "", "rate limit"},
	{549, "Command failed; too many requests", provider.Temporary, "", "rate limit"},
	{530, "Authentication failed; IP address 192.0.2.1 not allowed", provider.Auth, "", "public IP address"},
	{531, "Authorization failed; IP address 127.0.0.1 is not allowed for user sim.reseller", provider.Auth, "", "IP filter"},
	{531, "Authorization failed; Operation forbidden by ACL", provider.Auth, "", "access control list"},
	{420, "Command failed due to server error. Server closing connection", provider.Temporary, "", "retried"},
	{421, "Command failed due to server error. Client should try again", provider.Temporary, "", "retried"},
	{421, "Command failed due to HTTP communication error", provider.Temporary, "", "retried"},
	{423, "Command failed due to server error. Client should try again (Could not get session)", provider.Temporary, "", "retried"},
	{423, "Empty API response", provider.Temporary, "", "retried"},
	{425, "Service temporarily locked; usage exceeded", provider.Temporary, "", "usage limit"},
	{520, "Server closing connection. Client should try opening new connection", provider.Temporary, "", "retried"},
	{500, "Invalid command name", provider.Unsupported, "", "command"},
	{503, "Invalid attribute name; FOO", provider.Invalid, "", "attribute name"},
	{504, "Missing required attribute; SSLCERTCLASS", provider.Invalid, "product", "not sent"},
	{505, "Invalid attribute value syntax; CSR", provider.Invalid, "csr", "syntax"},
	{506, "Invalid option value", provider.Invalid, "", "option"},
	{507, "Invalid command format", provider.Invalid, "", "format"},
	{510, "Command not supported for this class", provider.Unsupported, "", "not support"},
	{540, "Attribute value is not unique", provider.Invalid, "", "unique"},
	{541, "Invalid attribute value; VALIDATIONEMAIL0 info@example.com is not an approver address", provider.Invalid, "approver_email", "attribute value"},
	{547, "Invalid command sequence", provider.Invalid, "", "command sequence"},
	{548, "Object is not up for renewal", provider.Invalid, "", "renewal"},
	{552, "Object status does not allow for operation", provider.Invalid, "", "status"},
	{555, "Object already renewed", provider.Invalid, "", "already renewed"},
	{530, "Authentication failed", provider.Auth, "", "test mode"},
	{530, "SESSION NOT FOUND", provider.Auth, "", "password"},
	{531, "Authorization failed", provider.Auth, "", "IP filter"},
	{545, "Object not found", provider.NotFound, "", "does not know"},
	{546, "Credit limit exceeded", provider.Temporary, "", "add funds"},
	{549, "Command failed", provider.Rejected, "", "refused"},
	{549, "Command Failed", provider.Rejected, "", "refused"},
	{424, "Some new temporary code", provider.Temporary, "", "temporary"},
	{599, "Some new error", provider.Invalid, "", "refused"},
	{310, "Odd", provider.Temporary, "", "unexpected"},
}

func TestCodeRules(t *testing.T) {
	t.Parallel()
	hit := make([]bool, len(codeRules))
	for _, tc := range codeCases {
		t.Run(fmt.Sprintf("%d %s", tc.code, tc.desc), func(t *testing.T) {
			hit[matchRule(tc.code, tc.desc)] = true
			e := responseError(&Response{Code: tc.code, Description: tc.desc})
			if e == nil {
				t.Fatal("no error for a failure code")
			}
			if e.Class != tc.class {
				t.Errorf("class = %s, want %s", e.Class, tc.class)
			}
			if e.Field != tc.field {
				t.Errorf("field = %q, want %q", e.Field, tc.field)
			}
			if e.Code != fmt.Sprint(tc.code) {
				t.Errorf("code = %q", e.Code)
			}
			if !strings.Contains(e.Message, tc.says) {
				t.Errorf("message %q lacks %q", e.Message, tc.says)
			}
			if !strings.Contains(e.Message, tc.desc) {
				t.Errorf("message %q lacks HEXONET's description", e.Message)
			}
		})
	}
	for i, h := range hit {
		if !h {
			t.Errorf("row %d of codeRules (%d-%d %q) has no test case", i, codeRules[i].From, codeRules[i].To, codeRules[i].Contains)
		}
	}
}

func TestSuccessCodesAreNotErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []int{200, 210, 299} {
		if e := responseError(&Response{Code: code, Description: "Command completed successfully"}); e != nil {
			t.Errorf("code %d: %v", code, e)
		}
	}
}

func TestAuthMessagesTellStaffWhatToDo(t *testing.T) {
	t.Parallel()
	e := responseError(&Response{Code: 530, Description: "Authentication failed"})
	for _, want := range []string{"user name and password", "OT&E", "live", "IP address", "control panel"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("530 message lacks %q: %s", want, e.Message)
		}
	}
	ip := responseError(&Response{Code: 531, Description: "Authorization failed; IP address 203.0.113.9 is not allowed"})
	for _, want := range []string{"Register this server's public IP address", "HEXONET control panel"} {
		if !strings.Contains(ip.Message, want) {
			t.Errorf("IP message lacks %q: %s", want, ip.Message)
		}
	}
}

func TestContainsWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, word string
		want       bool
	}{
		{"ip address not allowed", "ip", true},
		{"access from ip: 1.2.3.4", "ip", true},
		{"(ip)", "ip", true},
		{"description", "ip", false},
		{"relationship", "ip", false},
		{"ip", "ip", true},
		{"scheduled maintenance", "maintenance", true},
	}
	for _, tt := range tests {
		if got := containsWord(tt.text, tt.word); got != tt.want {
			t.Errorf("containsWord(%q, %q) = %v", tt.text, tt.word, got)
		}
	}
}

func TestFieldOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Missing required attribute; SSLCERTCLASS":    "product",
		"Invalid attribute value; CSR0":               "csr",
		"Invalid attribute value; DOMAIN1 (wildcard)": "names",
		"Invalid attribute value; VALIDATION0 FAX":    "dcv_method",
		"Invalid attribute value; EMAIL x@y":          "approver_email",
		"Invalid attribute value; PERIOD must be 1":   "period",
		"Missing required attribute; REASON":          "reason",
		"Missing required attribute; ADMINCONTACT0":   "contacts",
		"Invalid attribute value":                     "",
		"Invalid attribute value; SOMETHING":          "",
	}
	for in, want := range tests {
		if got := fieldOf(in); got != want {
			t.Errorf("fieldOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInsufficientCredit(t *testing.T) {
	t.Parallel()
	if !InsufficientCredit(fmt.Errorf("wrapped: %w", responseError(&Response{Code: 546, Description: "Credit limit exceeded"}))) {
		t.Error("546 not recognised")
	}
	if InsufficientCredit(responseError(&Response{Code: 545, Description: "Object not found"})) || InsufficientCredit(nil) {
		t.Error("other errors recognised as 546")
	}
}
