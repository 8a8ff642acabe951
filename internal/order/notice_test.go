package order

import (
	"testing"
	"time"
)

func TestNoticeDue(t *testing.T) {
	end := time.Date(2027, 6, 30, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	schedule := []int{30, 14, 7, 1, 0}
	year := 200 * day
	intp := func(n int) *int { return &n }
	cases := []struct {
		name     string
		now      time.Time
		lifetime time.Duration
		last     *int
		want     int
	}{
		{"too early", end.Add(-31 * day), year, nil, -1},
		{"first step", end.Add(-30 * day), year, nil, 30},
		{"between steps, first already sent", end.Add(-20 * day), year, intp(30), -1},
		{"second step", end.Add(-14 * day), year, intp(30), 14},
		{"a missed step is not sent late: only the latest due", end.Add(-6 * day), year, nil, 7},
		{"same step twice", end.Add(-6 * day), year, intp(7), -1},
		{"last day", end.Add(-1 * day), year, intp(7), 1},
		{"end day", end, year, intp(1), 0},
		{"after the last notice", end.Add(day), year, intp(0), -1},
		{"47-day certificate: 30 days does not fit, 14 does", end.Add(-30 * day), 47 * day, nil, -1},
		{"47-day certificate at 14 days", end.Add(-14 * day), 47 * day, nil, 14},
		{"10-day certificate: 7 is more than half its life", end.Add(-7 * day), 10 * day, nil, -1},
		{"10-day certificate gets 1", end.Add(-1 * day), 10 * day, nil, 1},
		{"unknown lifetime", end.Add(-30 * day), 0, nil, 30},
	}
	for _, c := range cases {
		if got := NoticeDue(schedule, c.now, end, c.lifetime, c.last); got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}
	if got := NoticeDue([]int{400, 60}, end.Add(-100*day), end, year, nil); got != -1 {
		t.Errorf("a step beyond %d days is ignored: got %d", maxNoticeDays, got)
	}
}
