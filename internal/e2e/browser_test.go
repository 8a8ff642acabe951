package e2e

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one browser step; the browser itself lives as long as the test.
const stepTimeout = 30 * time.Second

// browser is one Chromium with one tab, bound to a test and a server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // the server's URL
	dir  string // where screenshots go
	name string // file name prefix
	n    int

	mu       sync.Mutex
	problems []string // CSP violations and script errors the page reported
}

// chromiumPath finds Chromium: SSLR_CHROMIUM, /usr/bin/chromium, or chromium on PATH.
func chromiumPath() string {
	if p := os.Getenv("SSLR_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// requireChromium skips without Chromium, or fails when CI=true.
func requireChromium(t *testing.T) string {
	t.Helper()
	p := chromiumPath()
	if p == "" {
		msg := "Chromium not found (set SSLR_CHROMIUM or run `apt-get install -y chromium`)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + ": browser tests cannot run with CI=true")
		}
		t.Skip(msg + ": skipping browser tests")
	}
	return p
}

// artifactsDir is SSLR_ARTIFACTS or <repo>/artifacts/screenshots, created.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SSLR_ARTIFACTS")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// newBrowser starts a headless Chromium for base, with a fresh profile, and stops it when the test
// ends. Screenshot names start with prefix.
func newBrowser(t *testing.T, base, prefix string) *browser {
	t.Helper()
	exe := requireChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b := &browser{t: t, ctx: ctx, base: base, dir: artifactsDir(t), name: prefix}
	// Screenshots of an earlier run would mix with this one's.
	old, _ := filepath.Glob(filepath.Join(b.dir, prefix+"-*.png"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	// The first action starts the browser; it must run on the browser's own context.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	go b.watch(chromedp.Events(ctx, cdplog.EntryAdded))
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("the page reported: %s", p)
		}
	})
	return b
}

// watch collects what the page reports about CSP violations and script errors: a strict CSP
// breaks silently otherwise.
func (b *browser) watch(events iter.Seq2[cdplog.EventEntryAdded, error]) {
	for ev, err := range events {
		if err != nil {
			return
		}
		e := ev.Entry
		if e == nil || e.Level != cdplog.EntryLevelError {
			continue
		}
		if e.Source == cdplog.EntrySourceSecurity || e.Source == cdplog.EntrySourceJavascript ||
			strings.Contains(e.Text, "Content Security Policy") {
			b.mu.Lock()
			b.problems = append(b.problems, fmt.Sprintf("%s %s (%s)", e.Source, e.Text, e.URL))
			b.mu.Unlock()
		}
	}
}

// do runs steps, failing the test with what was being done.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.shot("failed-" + what)
		b.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// run runs one action that returns a value.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// visit opens a path of the server, waits for sel and saves a screenshot named shot.
func (b *browser) visit(path, sel, shot string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
	b.shot(shot)
}

// text returns the text of the first element matching a CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// path returns the path of the page the tab shows.
func (b *browser) path() string {
	b.t.Helper()
	loc := run(b, "read location", chromedp.Location())
	return strings.TrimPrefix(loc, b.base)
}

// shot saves a full-page PNG screenshot as <dir>/<prefix>-<nn>-<name>.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	b.n++
	unsafeName := regexp.MustCompile(`[^a-z0-9-]+`)
	file := filepath.Join(b.dir, fmt.Sprintf("%s-%02d-%s.png", b.name, b.n, strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(name), "-"), "-")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("save screenshot: %v", err)
		return
	}
	b.t.Logf("screenshot %s", file)
}

// fill replaces the value of the input matching a CSS selector and types its last character, so
// the page sees both input and key events (htmx's live search listens for keyup). SetValue is not
// used to clear a field: this chromedp cannot set an empty value.
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	if len(value) < 2 {
		return chromedp.SetValue(chromedp.CSS(sel), value)
	}
	head, last := value[:len(value)-1], value[len(value)-1:]
	return chromedp.Steps(chromedp.SetValue(chromedp.CSS(sel), head), chromedp.SendKeys(chromedp.CSS(sel), last))
}
