package enom

import (
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// TestAdapterStateTable has one case per row of stateTable, and checks that every status of the wire
// table has a row.
func TestAdapterStateTable(t *testing.T) {
	t.Parallel()
	want := map[Status]string{
		StatusAwaitingConfiguration: provider.StatePending,
		StatusPending:               provider.StatePending,
		StatusIssued:                provider.StateIssued,
		StatusExpired:               provider.StateIssued,
		StatusRejected:              provider.StateRejected,
		StatusCancelled:             provider.StateCancelled,
		StatusUnknown:               provider.StatePending,
	}
	for status := range stateTable {
		t.Run(string(status), func(t *testing.T) {
			w, ok := want[status]
			if !ok {
				t.Fatalf("row %s has no test case", status)
			}
			if got := stateOf(status); got != w {
				t.Errorf("stateOf(%s) = %s, want %s", status, got, w)
			}
		})
	}
	for _, row := range statusTable {
		if _, ok := stateTable[row.Status]; !ok {
			t.Errorf("Enom status %d (%s) has no state", row.ID, row.Status)
		}
	}
	if got := stateOf("something new"); got != provider.StatePending {
		t.Errorf("an unknown status is %s", got)
	}
	// By Enom's own values, through the wire table.
	for id, w := range map[string]string{"1": "pending", "2": "pending", "4": "issued", "6": "rejected", "7": "cancelled",
		"8": "cancelled", "9": "pending", "10": "pending", "12": "issued", "13": "issued", "3": "pending"} {
		if got := stateOf(StatusOf(id, "", false)); got != w {
			t.Errorf("CertStatusID %s is %s, want %s", id, got, w)
		}
	}
}

func TestAdapterDCVOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    DomainValidation
		want provider.Instructions
	}{
		{"email", DomainValidation{ApproverEmail: "Admin@Example.com"}, provider.Instructions{Method: "email", Email: "admin@example.com"}},
		{"file", DomainValidation{Method: "File", FileName: "fileauth.txt", FileContents: "tok"}, provider.Instructions{Method: "http",
			FilePath: "/.well-known/pki-validation/fileauth.txt", FileURL: "http://example.com/.well-known/pki-validation/fileauth.txt", FileContent: "tok"}},
		{"dns at apex", DomainValidation{Method: "DNS", DNSEntry: "@", DNSAddress: "v"}, provider.Instructions{Method: "dns",
			RecordName: "example.com", RecordType: "TXT", RecordValue: "v"}},
		{"dns label", DomainValidation{Method: "DNS", DNSEntry: "_dnsauth", DNSType: "txt", DNSAddress: "v"}, provider.Instructions{Method: "dns",
			RecordName: "_dnsauth.example.com", RecordType: "TXT", RecordValue: "v"}},
		{"dns without method", DomainValidation{DNSAddress: "v"}, provider.Instructions{Method: "dns",
			RecordName: "example.com", RecordType: "TXT", RecordValue: "v"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dcvOf(tc.v, []string{"example.com"}, provider.StatePending)
			if len(got) != 1 || got[0].Instructions == nil || *got[0].Instructions != tc.want || got[0].Status != "pending" {
				t.Errorf("%+v", got)
			}
		})
	}
}

func TestAdapterProductOf(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]struct {
		pt      int
		brand   string
		reissue bool
	}{
		"certificate-rapidssl-rapidssl": {23, BrandRapidSSL, true},
		"Certificate-Comodo-Essential":  {211, BrandComodo, false},
		"certificate-comodo-new-thing":  {211, BrandComodo, false},
		"certificate-geotrust-quickssl": {26, BrandGeoTrust, true},
	} {
		pt, tr := productOf(code)
		if pt != want.pt || tr.Brand != want.brand || tr.Reissue != want.reissue {
			t.Errorf("%s: %d %+v", code, pt, tr)
		}
	}
}
