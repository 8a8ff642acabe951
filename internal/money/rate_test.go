package money

import (
	"encoding/json"
	"testing"
)

func TestParseRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // String() of the result
		err  error
		msg  string
	}{
		{name: "fraction", in: "0.9234", want: "0.9234"},
		{name: "above one", in: "157.25", want: "157.25"},
		{name: "one", in: "1", want: "1"},
		{name: "trailing zeros", in: "1.50", want: "1.5"},
		{name: "leading zeros", in: "007.5", want: "7.5"},
		{name: "one point zero", in: "1.0", want: "1"},
		{name: "twelve decimals", in: "0.000000000001", want: "0.000000000001"},
		{name: "twelve decimals and zeros", in: "0.1000000000010000", want: "0.100000000001"},
		{name: "eighteen digits", in: "123456.789012345678", want: "123456.789012345678"},
		{name: "spaces", in: " 2 ", want: "2"},
		{name: "zero", in: "0", err: ErrRate, msg: "exchange rate must be greater than zero, got 0"},
		{name: "zero with decimals", in: "0.000", err: ErrRate},
		{name: "negative", in: "-1.5", err: ErrRate, msg: "exchange rate must be greater than zero, got -1.5"},
		{name: "garbage", in: "abc", err: ErrRate, msg: `exchange rate must be a decimal number such as 0.9234, got "abc"`},
		{name: "exponent", in: "1e3", err: ErrRate},
		{name: "plus sign", in: "+1", err: ErrRate},
		{name: "decimal comma", in: "0,92", err: ErrRate},
		{name: "leading point", in: ".5", err: ErrRate},
		{name: "trailing point", in: "1.", err: ErrRate},
		{name: "empty", in: "", err: ErrRate, msg: "enter an exchange rate such as 0.9234"},
		{name: "thirteen decimals", in: "0.0000000000001", err: ErrRate, msg: "exchange rate may have at most 12 decimals, got 13"},
		{name: "nineteen digits", in: "1234567890123456789", err: ErrRate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ParseRate(tt.in)
			checkErr(t, err, tt.err, tt.msg)
			if tt.err != nil {
				return
			}
			if got := r.String(); got != tt.want {
				t.Fatalf("ParseRate(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			back, err := ParseRate(r.String())
			if err != nil || back != r {
				t.Fatalf("ParseRate(String()) = %v, %v; want %v", back, err, r)
			}
			if r.IsZero() {
				t.Fatal("a parsed rate is zero")
			}
		})
	}
}

func TestRateJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		Rate Rate `json:"rate"`
	}
	in := doc{Rate: mustRate(t, "157.25")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"rate":"157.25"}` {
		t.Fatalf("Marshal = %s", b)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("Unmarshal = %v, %v", out, err)
	}
	checkErr(t, json.Unmarshal([]byte(`{"rate":"0"}`), &out), ErrRate, "")
}
