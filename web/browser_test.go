package web

import (
	"context"
	"flag"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

var screenshots = flag.Bool("screenshots", false, "save screenshots of the pages to ../docs/screenshots")

// chromium finds Debian's Chromium. In CI (CI set) a missing browser
// fails the test; elsewhere it skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found; .ci/run installs the Debian package chromium")
	}
	t.Skip("no Chromium on this machine (install Debian's chromium to run the browser test)")
	return ""
}

// TestBrowser drives a real Chromium through the pages a user sees:
// type a query, submit, see marks, click a facet, open a document at its
// paragraph, copy the citation.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	srv := httptest.NewServer(newServer(t, ""))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	// run runs an action that returns a value, failing the test on error.
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted, Origin: srv.URL,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-write"}, Setting: browser.PermissionSettingGranted, Origin: srv.URL,
	}); err != nil {
		t.Fatal(err)
	}

	// Home: type a query and submit.
	do(chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(`form.big input[name=q]`),
		chromedp.SendKeys(`form.big input[name=q]`, "放管服"),
		chromedp.Submit(`form.big input[name=q]`),
		chromedp.WaitVisible(`ol.hits li.hit`))
	count := text(`p.count`)
	marks := eval(`document.querySelectorAll('ol.hits mark').length`).(float64)
	if !strings.Contains(count, "找到") || marks == 0 {
		t.Fatalf("results: count %q, %v marks", count, marks)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(`header form input[name=q]`)); err != nil || v != "放管服" {
		t.Errorf("the query does not stay in the box: %q %v", v, err)
	}
	shoot(t, ctx, "results-desktop.png")

	// Click the first facet value: the count shown is the count found.
	facetCount := strings.TrimSpace(text(`aside.facets li:first-of-type span.n`))
	do(chromedp.Click(`aside.facets li:first-of-type a`), chromedp.WaitVisible(`a.chip`))
	if newCount, chip := text(`p.count`), text(`a.chip`); !strings.Contains(newCount, "找到 "+facetCount+" ") || !strings.Contains(chip, "机关:") {
		t.Errorf("after the facet: %q (facet said %s), chip %q", newCount, facetCount, chip)
	}

	// Open the seed report from its section link: it lands on the
	// paragraph, with the query highlighted, and its citation copies.
	do(chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape(`"深化“放管服”改革"`)),
		chromedp.WaitVisible(`a.para`),
		chromedp.Click(`li.hit a.para[href*="seed-000_44bda8417bfe1ce5"]`),
		chromedp.WaitVisible(`.para:target`))
	target := eval(`document.querySelector('.para:target').id`).(string)
	docMarks := eval(`document.querySelectorAll('.para:target mark').length`).(float64)
	if target != "p-7" || docMarks == 0 {
		t.Errorf("landed on %q with %v marks", target, docMarks)
	}
	do(chromedp.Click(`.para:target details.cite summary`), chromedp.WaitVisible(`.para:target button.copy`))
	cite := text(`.para:target .citation`)
	do(chromedp.Click(`.para:target button.copy`), chromedp.WaitVisible(`.para:target button.copy[data-copied="1"]`))
	clip := eval(`navigator.clipboard.readText()`).(string)
	wantCite := "《重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告》（重庆市九龙坡区人民政府，2023-03-23）一、主要举措和成效 › (二)健全政府机构职能体系,推动更好发挥政府作用 › 2.深化“放管服”改革,强化营商环境法治保障 第7段 " +
		srv.URL + "/doc/seed-000_44bda8417bfe1ce5#p-7"
	if cite != wantCite {
		t.Errorf("citation %q, want %q", cite, wantCite)
	}
	if clip != cite {
		t.Errorf("clipboard %q, citation %q", clip, cite)
	}
	shoot(t, ctx, "document-desktop.png")

	// Commitments: pick 重庆市 from the list, then 2025; open the follow-up
	// of 数字重庆 and land on the paragraph of the 2026 report.
	do(chromedp.Navigate(srv.URL+"/commitments"),
		chromedp.Click(`p.choices a[href*="`+url.QueryEscape("重庆市人民政府")+`"]`),
		chromedp.WaitVisible(`p.choices a[href$="year=2025"]`),
		chromedp.Click(`p.choices a[href$="year=2025"]`),
		chromedp.WaitVisible(`li.citem .status.answered`))
	if n := eval(`document.querySelectorAll('li.citem').length`).(float64); n < 100 {
		t.Errorf("%v commitments on the page", n)
	}
	shoot(t, ctx, "commitments-desktop.png")
	eval(`[...document.querySelectorAll('li.citem')].find(li => li.querySelector('.ctext').textContent.includes('推动形成数字重庆基本能力')).querySelector('.followup a').click(), true`)
	do(chromedp.WaitVisible(`.para:target`))
	if id, txt := eval(`document.querySelector('.para:target').id`).(string), text(`.para:target`); id != "p-18" || !strings.Contains(txt, "数字重庆基本能力总体形成") {
		t.Errorf("follow-up landed on %s: %.80s", id, txt)
	}

	// Phone width: the same pages stay usable, nothing scrolls sideways.
	do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("营商环境")),
		chromedp.WaitVisible(`ol.hits li.hit`))
	if eval(`document.documentElement.scrollWidth > window.innerWidth + 1`).(bool) {
		t.Error("the results page scrolls sideways at phone width")
	}
	shoot(t, ctx, "results-phone.png")
	do(chromedp.Navigate(srv.URL+"/doc/seed-000_44bda8417bfe1ce5?q="+url.QueryEscape("放管服")+"#p-7"),
		chromedp.WaitVisible(`.para:target`))
	if eval(`document.documentElement.scrollWidth > window.innerWidth + 1`).(bool) {
		t.Error("the document page scrolls sideways at phone width")
	}
	shoot(t, ctx, "document-phone.png")
}

// shoot saves a screenshot of the current viewport when -screenshots is set.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}

}
