// Package e2e holds the browser tests of sslreseller: chromedp drives Debian's Chromium through the
// real server (internal/app/apptest: HTTP server, workers and a fresh PostgreSQL database) the way a
// reseller's staff, an operator and a client would, checks what they would see, and saves a
// full-page screenshot of every page visited.
//
// The tests need PostgreSQL (SSLR_TEST_DATABASE_URL, see internal/platform/testdb) and Chromium
// (SSLR_CHROMIUM, else /usr/bin/chromium or chromium on PATH). Without either they skip with a
// message; with CI=true they fail instead. Screenshots go to SSLR_ARTIFACTS, by default
// artifacts/screenshots at the root of the repository.
package e2e
