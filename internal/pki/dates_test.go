package pki

import (
	"testing"
	"time"
)

func TestIndustryDates(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		at       string
		validity int // days
		dcv      int // days
		email    bool
	}{
		{"long before", "2020-01-01T00:00:00Z", 398, 398, true},
		{"last second before SC-081", "2026-03-14T23:59:59Z", 398, 398, true},
		{"first phase starts", "2026-03-15T00:00:00Z", 200, 200, true},
		{"local midnight is still the day before in UTC", "2026-03-15T00:30:00+01:00", 398, 398, true},
		{"last second of first phase", "2027-03-14T23:59:59Z", 200, 200, true},
		{"second phase starts", "2027-03-15T00:00:00Z", 100, 100, true},
		{"last second of e-mail DCV", "2028-03-14T23:59:59Z", 100, 100, true},
		{"e-mail DCV ends", "2028-03-15T00:00:00Z", 100, 100, false},
		{"last second of second phase", "2029-03-14T23:59:59Z", 100, 100, false},
		{"final phase starts", "2029-03-15T00:00:00Z", 47, 10, false},
		{"far future", "2040-01-01T00:00:00Z", 47, 10, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := at(tc.at)
			if got, want := MaxValidity(ts), time.Duration(tc.validity)*24*time.Hour; got != want {
				t.Errorf("MaxValidity(%s) = %v, want %v", tc.at, got, want)
			}
			if got, want := DCVReuse(ts), time.Duration(tc.dcv)*24*time.Hour; got != want {
				t.Errorf("DCVReuse(%s) = %v, want %v", tc.at, got, want)
			}
			if got := EmailDCVAllowed(ts); got != tc.email {
				t.Errorf("EmailDCVAllowed(%s) = %v, want %v", tc.at, got, tc.email)
			}
		})
	}
}

func TestScheduleIsOrderedAndFresh(t *testing.T) {
	t.Parallel()
	s := Schedule()
	for i := 1; i < len(s); i++ {
		if !s[i-1].From.Before(s[i].From) {
			t.Errorf("row %d starts %v, not after row %d (%v)", i, s[i].From, i-1, s[i-1].From)
		}
		if s[i].MaxValidity > s[i-1].MaxValidity || s[i].DCVReuse > s[i-1].DCVReuse {
			t.Errorf("row %d loosens the limits of row %d", i, i-1)
		}
	}
	s[0].MaxValidity = time.Hour
	if MaxValidity(time.Time{}) != 398*24*time.Hour {
		t.Error("changing a returned schedule changed the rules")
	}
	if OrgVettingReuse != 398*24*time.Hour {
		t.Errorf("OrgVettingReuse = %v", OrgVettingReuse)
	}
}
