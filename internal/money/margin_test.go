package money

import (
	"math"
	"testing"
)

func TestApplyMargin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cost int64
		bps  int64
		want int64
		err  error
		msg  string
	}{
		{name: "zero margin", cost: 1299, bps: 0, want: 1299},
		{name: "30% on one minor unit rounds up", cost: 1, bps: 3000, want: 2},
		{name: "30% exact", cost: 1000, bps: 3000, want: 1300},
		{name: "one basis point rounds up", cost: 1, bps: 1, want: 2},
		{name: "1000%", cost: 1299, bps: 100000, want: 14289},
		{name: "zero cost", cost: 0, bps: 5000, want: 0},
		{name: "negative margin", cost: 1, bps: -1, err: ErrMargin,
			msg: "margin must be between 0 and 100000 basis points (0% to 1000%), got -1"},
		{name: "absurd margin", cost: 1, bps: 100001, err: ErrMargin,
			msg: "margin must be between 0 and 100000 basis points (0% to 1000%), got 100001"},
		{name: "negative cost", cost: -1, bps: 0, err: ErrAmount, msg: "cost must not be negative"},
		{name: "overflow", cost: math.MaxInt64, bps: 1, err: ErrAmount, msg: "the price is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ApplyMargin(tt.cost, tt.bps)
			checkErr(t, err, tt.err, tt.msg)
			if tt.err == nil && got != tt.want {
				t.Fatalf("ApplyMargin(%d, %d) = %d, want %d", tt.cost, tt.bps, got, tt.want)
			}
		})
	}
}

func TestParseMarginPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{in: "30", want: 3000},
		{in: "12.5", want: 1250},
		{in: "0.25", want: 25},
		{in: "0.01", want: 1},
		{in: "0", want: 0},
		{in: " 30 % ", want: 3000},
		{in: "1000", want: 100000},
		{in: "1000.00", want: 100000},
		{in: "1000.01", err: ErrMargin},
		{in: "99999999999", err: ErrMargin},
		{in: "0.001", err: ErrMargin},
		{in: "-5", err: ErrMargin},
		{in: "abc", err: ErrMargin},
		{in: "", err: ErrMargin},
		{in: "12.", err: ErrMargin},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMarginPercent(tt.in)
			checkErr(t, err, tt.err, "")
			if tt.err != nil {
				return
			}
			if got != tt.want {
				t.Fatalf("ParseMarginPercent(%q) = %d, want %d", tt.in, got, tt.want)
			}
			back, err := ParseMarginPercent(FormatMarginPercent(got))
			if err != nil || back != got {
				t.Fatalf("round trip via %q = %d, %v", FormatMarginPercent(got), back, err)
			}
		})
	}
}

func TestFormatMarginPercent(t *testing.T) {
	t.Parallel()
	for bps, want := range map[int64]string{0: "0", 1: "0.01", 10: "0.1", 1250: "12.5", 3000: "30", 100000: "1000", -150: "-1.5"} {
		if got := FormatMarginPercent(bps); got != want {
			t.Errorf("FormatMarginPercent(%d) = %q, want %q", bps, got, want)
		}
	}
}
