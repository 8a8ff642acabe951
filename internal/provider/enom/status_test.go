package enom

import (
	"strconv"
	"testing"
)

// TestStatusTable has one case per row of statusTable, by id and by each text.
func TestStatusTable(t *testing.T) {
	t.Parallel()
	want := map[int]Status{
		1: StatusAwaitingConfiguration, 2: StatusPending, 4: StatusIssued, 6: StatusRejected, 7: StatusCancelled,
		8: StatusCancelled, 9: StatusPending, 10: StatusPending, 12: StatusIssued, 13: StatusIssued,
		3: StatusUnknown, 5: StatusUnknown, 11: StatusUnknown,
	}
	for _, row := range statusTable {
		t.Run(strconv.Itoa(row.ID), func(t *testing.T) {
			w, ok := want[row.ID]
			if !ok {
				t.Fatalf("status row %d has no test case", row.ID)
			}
			if got := StatusOf(strconv.Itoa(row.ID), "", false); got != w {
				t.Errorf("by id: %s, want %s", got, w)
			}
			for _, text := range row.Texts {
				if got := StatusOf("", text, false); got != w {
					t.Errorf("by text %q: %s, want %s", text, got, w)
				}
			}
		})
	}
	if len(want) != len(statusTable) {
		t.Errorf("%d cases for %d rows", len(want), len(statusTable))
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, text string
		expired        bool
		want           Status
	}{
		{"vendor sample: text wins over refund id", "7", "Cert Issued", false, StatusIssued},
		{"text in other case and dashes", "", "refunded-no cert issued", false, StatusCancelled},
		{"unknown text falls back to id", "9", "Awaiting approver", false, StatusPending},
		{"expired issued", "4", "Certificate Issued", true, StatusExpired},
		{"expired flag ignored before issue", "1", "Awaiting Configuration", true, StatusAwaitingConfiguration},
		{"filter-only zero", "0", "", false, StatusUnknown},
		{"garbage", "x", "", false, StatusUnknown},
		{"spaces around id", " 2 ", "", false, StatusPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusOf(tt.id, tt.text, tt.expired); got != tt.want {
				t.Errorf("StatusOf(%q, %q, %v) = %s, want %s", tt.id, tt.text, tt.expired, got, tt.want)
			}
		})
	}
}
