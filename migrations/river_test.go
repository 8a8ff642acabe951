package migrations

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

var update = flag.Bool("update", false, "rewrite River's migration files from the River version in go.mod")

// riverFiles renders River's schema versions as golang-migrate files. Version 1 (River's own
// bookkeeping table) is skipped because golang-migrate keeps the bookkeeping; the file number is
// River's version number, so the River files occupy 000002 to 0000NN.
func riverFiles(t *testing.T) map[string]string {
	t.Helper()
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	clean := func(s string) string {
		return strings.TrimSpace(strings.ReplaceAll(s, "/* TEMPLATE: schema */", "")) + "\n"
	}
	files := map[string]string{}
	nonWord := regexp.MustCompile(`[^a-z0-9]+`)
	for _, v := range m.AllVersions() {
		if v.Version == 1 {
			continue
		}
		name := nonWord.ReplaceAllString(strings.ToLower(v.Name), "_")
		base := fmt.Sprintf("%06d_river_%s", v.Version, name)
		files[base+".up.sql"] = clean(v.SQLUp)
		files[base+".down.sql"] = clean(v.SQLDown)
	}
	return files
}

func TestRiverMigrationsMatchGoMod(t *testing.T) {
	want := riverFiles(t)
	for name, body := range want {
		if *update {
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := FS.ReadFile(name)
		if err != nil {
			t.Errorf("%s is missing: run go test ./migrations -run TestRiverMigrationsMatchGoMod -update", name)
			continue
		}
		if string(got) != body {
			t.Errorf("%s differs from River's schema in go.mod: run go test ./migrations -run TestRiverMigrationsMatchGoMod -update", name)
		}
	}
	entries, err := FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "_river_") {
			if _, ok := want[e.Name()]; !ok && !*update {
				t.Errorf("%s is not a River version of go.mod any more", e.Name())
			}
		}
	}
}
