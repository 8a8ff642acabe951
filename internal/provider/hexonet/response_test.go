package hexonet

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// crlf turns LF line ends into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestParseResponse(t *testing.T) {
	t.Parallel()
	type want struct {
		code  int
		desc  string
		props map[string][]string
		field map[string]string
	}
	tests := []struct {
		name string
		body string
		want want
	}{
		{
			name: "documentation notation",
			body: "[RESPONSE]\nCODE = 200\nDESCRIPTION = Command completed successfully\nPROPERTY[NAME][0] = value\nPROPERTY[NAME][1] = value 2\nQUEUETIME = 0\nRUNTIME = 0.023\nEOF\n",
			want: want{code: 200, desc: "Command completed successfully", props: map[string][]string{"NAME": {"value", "value 2"}}},
		},
		{
			name: "SDK wire sample: CRLF, no blanks, code last",
			body: "[RESPONSE]\r\nPROPERTY[TOTAL][0]=2701\r\nPROPERTY[FIRST][0]=0\r\nPROPERTY[DOMAIN][0]=0-60motorcycletimes.com\r\nPROPERTY[DOMAIN][1]=0-be-s01-0.com\r\nPROPERTY[COUNT][0]=2\r\nPROPERTY[LAST][0]=1\r\nPROPERTY[LIMIT][0]=2\r\nDESCRIPTION=Command completed successfully\r\nCODE=200\r\nQUEUETIME=0\r\nRUNTIME=0.023\r\nEOF\r\n",
			want: want{code: 200, desc: "Command completed successfully", props: map[string][]string{
				"TOTAL": {"2701"}, "FIRST": {"0"}, "DOMAIN": {"0-60motorcycletimes.com", "0-be-s01-0.com"}, "COUNT": {"2"}, "LAST": {"1"}, "LIMIT": {"2"},
			}},
		},
		{
			name: "lower-case keys as live responses send them",
			body: "[response]\ncode=200\ndescription=Command completed successfully\nproperty[session][0]=h8JLZZHdF2WgWW\neof\n",
			want: want{code: 200, desc: "Command completed successfully", props: map[string][]string{"SESSION": {"h8JLZZHdF2WgWW"}}},
		},
		{
			name: "mixed-case keys, tabs and extra blanks",
			body: "  [Response]  \n\tCode\t=\t545  \nDescription =   Object not found; SSLCERTID   \nProperty[Status][0]   =   ACTIVE\t\nEof\n",
			want: want{code: 545, desc: "Object not found; SSLCERTID", props: map[string][]string{"STATUS": {"ACTIVE"}}},
		},
		{
			name: "Key: Value lines",
			body: "[RESPONSE]\nCODE: 200\nDESCRIPTION: Command completed successfully\nPROPERTY[CREATEDDATE][0]: 2016-11-02 10:53:28\nPROPERTY[URL][0] = http://example.com/x\nEOF\n",
			want: want{code: 200, desc: "Command completed successfully", props: map[string][]string{"CREATEDDATE": {"2016-11-02 10:53:28"}, "URL": {"http://example.com/x"}}},
		},
		{
			name: "empty values are empty strings",
			body: "[RESPONSE]\nCODE = 200\nDESCRIPTION = Command completed successfully\nPROPERTY[FAX][0] =\nPROPERTY[CITY][0] = \nEOF\n",
			want: want{code: 200, desc: "Command completed successfully", props: map[string][]string{"FAX": {""}, "CITY": {""}}},
		},
		{
			name: "CDATA value",
			body: "[RESPONSE]\nCODE = 200\nDESCRIPTION = <![CDATA[Command completed successfully]]>\nPROPERTY[STATUSDETAILS][0] = <![CDATA[a = b]]>\nEOF\n",
			want: want{code: 200, desc: "Command completed successfully", props: map[string][]string{"STATUSDETAILS": {"a = b"}}},
		},
		{
			name: "value containing = and ;",
			body: "[RESPONSE]\nCODE = 504\nDESCRIPTION = Missing required attribute; X-CONFIRM-DA-NEW-REGISTRANT\nPROPERTY[ORDERCOMMAND][0] = COMMAND%3dTradeDomain=x\nEOF\n",
			want: want{code: 504, desc: "Missing required attribute; X-CONFIRM-DA-NEW-REGISTRANT", props: map[string][]string{"ORDERCOMMAND": {"COMMAND%3dTradeDomain=x"}}},
		},
		{
			name: "indexes out of order and with a gap",
			body: "[RESPONSE]\nCODE = 200\nDESCRIPTION = ok\nPROPERTY[CRT][2] = c\nPROPERTY[CRT][0] = a\nPROPERTY[EMAIL][3] = d\nEOF\n",
			want: want{code: 200, desc: "ok", props: map[string][]string{"CRT": {"a", "", "c"}, "EMAIL": {"", "", "", "d"}}},
		},
		{
			name: "property without an index is appended",
			body: "[RESPONSE]\nCODE = 200\nDESCRIPTION = ok\nPROPERTY[X] = one\nPROPERTY[X] = two\nEOF\n",
			want: want{code: 200, desc: "ok", props: map[string][]string{"X": {"one", "two"}}},
		},
		{
			name: "embedded answer without header and EOF (QueryOrderList LASTRESPONSE)",
			body: "DESCRIPTION=Missing required attribute; X-CONFIRM-DA-NEW-REGISTRANT\nQUEUETIME=0\nCODE=504\nRUNTIME=0.551\n",
			want: want{code: 504, desc: "Missing required attribute; X-CONFIRM-DA-NEW-REGISTRANT", props: map[string][]string{}},
		},
		{
			name: "unknown extra fields, blank lines, BOM, text after EOF",
			body: "\ufeff[RESPONSE]\n\nCODE = 200\nDESCRIPTION = ok\nSERVERVERSION = 7.1\nnonsense line\nPROPERTY[][0] = ignored\nEOF\nPROPERTY[LATE][0] = ignored\n",
			want: want{code: 200, desc: "ok", props: map[string][]string{}, field: map[string]string{"SERVERVERSION": "7.1"}},
		},
		{
			name: "no description",
			body: "[RESPONSE]\nCODE = 200\nEOF\n",
			want: want{code: 200, props: map[string][]string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := parseResponse([]byte(tt.body))
			if err != nil {
				t.Fatalf("parseResponse: %v", err)
			}
			if r.Code != tt.want.code || r.Description != tt.want.desc {
				t.Errorf("code, description = %d, %q; want %d, %q", r.Code, r.Description, tt.want.code, tt.want.desc)
			}
			got := map[string][]string{}
			for _, n := range r.PropertyNames() {
				got[n] = r.Property(n)
			}
			if diff := cmp.Diff(tt.want.props, got); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
			for k, v := range tt.want.field {
				if r.Field(k) != v {
					t.Errorf("Field(%q) = %q, want %q", k, r.Field(k), v)
				}
			}
		})
	}
}

func TestParseResponseMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, why string
	}{
		{"empty", "", "no CODE line"},
		{"only header", "[RESPONSE]\nEOF\n", "no CODE line"},
		{"truncated before EOF", "[RESPONSE]\r\nCODE = 200\r\nDESCRIPTION = Command completed successfully\r\nPROPERTY[SSLCERTID][0] = ", "truncated"},
		{"HTML error page", "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>", "HTML page"},
		{"code not a number", "[RESPONSE]\nCODE = two hundred\nEOF\n", "not a number"},
		{"code out of range", "[RESPONSE]\nCODE = 20000\nEOF\n", "not a number"},
		{"impossible index", "[RESPONSE]\nCODE = 200\nPROPERTY[X][999999999] = x\nEOF\n", "impossible index"},
		{"JSON", `{"code":200,"description":"ok"}`, "no CODE line"},
		{"scattered indexes", "[RESPONSE]\nCODE = 200\nPROPERTY[X][30000] = x\nPROPERTY[Y][30000] = y\nPROPERTY[Z][30000] = z\nEOF\n", "impossible index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseResponse([]byte(tt.body))
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *provider.Error", err)
			}
			if pe.Class != provider.Temporary || !strings.Contains(pe.Message, tt.why) || !strings.Contains(pe.Message, "not a valid API response") {
				t.Errorf("err = %+v; want Temporary mentioning %q", pe, tt.why)
			}
		})
	}
}

func TestResponseAccessors(t *testing.T) {
	t.Parallel()
	r, err := parseResponse([]byte(crlf("[RESPONSE]\nCODE = 200\nDESCRIPTION = ok\nPROPERTY[CACRT][0] = FALSE\nPROPERTY[n][0] = 12\nPROPERTY[D][0] = 2017-11-22 23:59:59\nPROPERTY[CRT][0] = -----BEGIN CERTIFICATE-----\nPROPERTY[CRT][1] = MIIB\nPROPERTY[CRT][2] =\nPROPERTY[CRT][3] = -----END CERTIFICATE-----\nEOF\n")))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Success() || r.First("cacrt") != "FALSE" || r.bool("CACRT") || r.int("N") != 12 || r.First("missing") != "" || r.Has("missing") || !r.Has("crt") {
		t.Errorf("accessors wrong: %+v", r)
	}
	if got := r.time("D"); !got.Equal(time.Date(2017, 11, 22, 23, 59, 59, 0, time.UTC)) {
		t.Errorf("time = %v", got)
	}
	if got := r.pem("CRT"); got != "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" {
		t.Errorf("pem = %q", got)
	}
	vals := r.Property("CRT")
	vals[0] = "changed"
	if r.First("CRT") == "changed" {
		t.Error("Property returned the internal slice")
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"2016-11-02 10:53:28", time.Date(2016, 11, 2, 10, 53, 28, 0, time.UTC), false},
		{" 2017-11-22 23:59:59 ", time.Date(2017, 11, 22, 23, 59, 59, 0, time.UTC), false},
		{"2017-11-22", time.Date(2017, 11, 22, 0, 0, 0, 0, time.UTC), false},
		{"2017-11-22T23:59:59Z", time.Date(2017, 11, 22, 23, 59, 59, 0, time.UTC), false},
		{"2017-11-22T23:59:59+02:00", time.Date(2017, 11, 22, 21, 59, 59, 0, time.UTC), false},
		{"", time.Time{}, false},
		{"yesterday", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseTime(tt.in)
			if (err != nil) != tt.err || !got.Equal(tt.want) {
				t.Errorf("parseTime(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"TRUE": true, "true": true, "True": true, " 1 ": true, "yes": true, "FALSE": false, "false": false, "0": false, "": false, "maybe": false} {
		if got := parseBool(in); got != want {
			t.Errorf("parseBool(%q) = %v, want %v", in, got, want)
		}
	}
}
