package web

import (
	"context"
	"flag"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/search"
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

// auditJS checks a page as a reader with a screen reader or weak eyes
// meets it: one h1, headings that never skip a level, a name on every
// control, and text contrast of at least 4.5:1 against what is really
// behind it (WCAG 2 relative luminance), for all visible text. It returns
// the problems found.
const auditJS = `(() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.checkVisibility());
  const h1 = hs.filter(h => h.tagName === 'H1').length;
  if (h1 !== 1) problems.push(h1 + ' h1 elements');
  let prev = 0;
  for (const h of hs) {
    const l = +h.tagName[1];
    if (prev && l > prev + 1) problems.push('h' + prev + ' → h' + l + ': ' + h.textContent.trim().slice(0, 30));
    prev = l;
  }
  for (const c of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
    const labelled = c.getAttribute('aria-label') || (c.labels && [...c.labels].some(l => l.textContent.trim())) ||
      (c.getAttribute('aria-labelledby') && document.getElementById(c.getAttribute('aria-labelledby'))) ||
      (c.tagName === 'BUTTON' && c.textContent.trim());
    if (!labelled) problems.push('control without a name: ' + c.outerHTML.slice(0, 80));
  }
  const parse = s => { const m = s.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (fg, bg) => [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat([1]);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const r = document.createRange(); r.selectNodeContents(n);
    const rects = [...r.getClientRects()].filter(x => x.width > 1 && x.height > 1);
    const st = getComputedStyle(el);
    if (!rects.length || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const bg = background(el);
    const fg = over(parse(st.color), bg);
    const ratio = (Math.max(lum(fg), lum(bg)) + 0.05) / (Math.min(lum(fg), lum(bg)) + 0.05);
    if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ' for "' + n.textContent.trim().slice(0, 20) + '" (' + st.color + ' on ' + bg + ')');
  }
  return problems;
})()`

// layoutJS checks what a phone reader sees: nothing scrolls sideways, no
// date and no tab label breaks across lines.
const layoutJS = `(() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('scrolls sideways: ' + document.documentElement.scrollWidth);
  const lines = (node, start, end) => { const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
    const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))); return tops.size; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.checkVisibility()) continue;
    for (const m of n.textContent.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
      if (lines(n, m.index, m.index + m[0].length) > 1) problems.push('date broken: ' + m[0] + ' in ' + n.parentElement.className);
    }
  }
  for (const tab of document.querySelectorAll('.switch a, .switch span, .sitenav a')) {
    const t = tab.firstChild;
    if (t && t.nodeType === 3 && tab.checkVisibility() && lines(t, 0, t.length) > 1) problems.push('tab wraps: ' + tab.textContent);
  }
  return problems;
})()`

// TestBrowser drives a real Chromium through the pages a user sees, at
// desktop and phone width: the search box and the advanced form, filter
// chips, facets and 更多, search within results, oldest first, the feed
// and the exports, a document opened at its paragraph with both citation
// forms copied, its print form, and the commitments. Every page passes
// the accessibility and layout checks above, and no page breaks its
// Content-Security-Policy.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	srv := httptest.NewServer(newServer(t, ""))
	defer srv.Close()
	// A second site on a fake index: the states the test corpus does not
	// produce (a query with no full match, a correction, many agencies).
	fake := &search.Result{Total: 15, Partial: true, Suggestion: "放管服"}
	for i := 1; i <= 15; i++ {
		fake.Facets.Agency = append(fake.Facets.Agency, search.FacetValue{Value: "第" + strconv.Itoa(i) + "机关", Count: 16 - i})
		fake.Hits = append(fake.Hits, search.Hit{ID: "f" + strconv.Itoa(i), Title: "第" + strconv.Itoa(i) + "号文件", Date: "2024-01-0" + strconv.Itoa(1+i%9),
			Matched: []string{"纠缠"}, Sections: []search.SectionHit{{Paragraph: 2, Snippet: "不得<mark>纠缠</mark>游客"}}})
	}
	fakeSrv := httptest.NewServer(newFakeServer(&fakeIndex{result: fake}))
	defer fakeSrv.Close()
	tsrv := httptest.NewServer(targetsServer(t)) // national work reports 2016–2025
	defer tsrv.Close()

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
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

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
			t.Fatalf("evaluate %.80s: %v", js, err)
		}
		return v
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	location := func() *url.URL {
		t.Helper()
		u, err := url.Parse(eval(`location.href`).(string))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	// waitQuery waits until the page loaded is a search for q.
	waitQuery := func(q string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' && document.querySelector('p.count') ? location.href : ''`))
			if u, _ := url.Parse(href); err == nil && href != "" && u.Query().Get("q") == q {
				return
			}
		}
		t.Fatalf("no search for %q loaded: %s", q, location())
	}
	// check runs the page checks and reports what fails, with the page.
	check := func(what string, js string) {
		t.Helper()
		for _, p := range eval(js).([]any) {
			t.Errorf("%s (%s): %v", what, location().RequestURI(), p)
		}
	}
	audit := func(what string) { t.Helper(); check(what, auditJS); check(what, layoutJS) }

	// Console messages: a page that breaks its CSP says so there.
	var consoleMu sync.Mutex
	var console []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			consoleMu.Lock()
			console = append(console, m.String())
			consoleMu.Unlock()
		}
	}()
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: perm}, Setting: browser.PermissionSettingGranted, Origin: srv.URL,
		}); err != nil {
			t.Fatal(err)
		}
	}

	// Home: the sections of the site, then type a query and submit.
	do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`form.big input[name=q]`))
	audit("home")
	if n := eval(`document.querySelectorAll('header nav.sitenav a[href="/commitments"], ul.features a[href="/commitments"]').length`).(float64); n != 2 {
		t.Errorf("the commitments page is linked %v times from the header and home", n)
	}
	shoot(t, ctx, "home-desktop.png")
	do(chromedp.SendKeys(`form.big input[name=q]`, "放管服"),
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
	audit("results")
	if eval(`getComputedStyle(document.querySelector('details.facets-phone')).display`) != "none" {
		t.Error("the phone's facets show on the desktop")
	}
	shoot(t, ctx, "results-desktop.png")

	// Click the first facet value: the count shown is the count found, and
	// the filter is a chip.
	facetCount := strings.TrimSpace(text(`aside.facets li:first-of-type span.n`))
	do(chromedp.Click(`aside.facets li:first-of-type a`), chromedp.WaitVisible(`a.chip`))
	if newCount, chip := text(`p.count`), text(`a.chip`); !strings.Contains(newCount, "找到 "+facetCount+" ") || !strings.Contains(chip, "机关:") {
		t.Errorf("after the facet: %q (facet said %s), chip %q", newCount, facetCount, chip)
	}
	// The chip takes the filter off again.
	do(chromedp.Click(`a.chip`), chromedp.WaitVisible(`ol.hits li.hit`))
	if q := location().Query().Get("q"); q != "放管服" {
		t.Errorf("after the chip: q=%q", q)
	}

	// The advanced form: open it, choose a government and a role; it writes
	// the query syntax, which shows as chips.
	do(chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("营商环境")), chromedp.WaitVisible(`ol.hits li.hit`),
		chromedp.Click(`details.advanced summary`), chromedp.WaitVisible(`#adv-agency`))
	audit("advanced form")
	shoot(t, ctx, "advanced-desktop.png")
	do(chromedp.SendKeys(`#adv-agency`, "上海市"), chromedp.SetValue(`#adv-from`, "2020-01-01"),
		chromedp.Click(`form.advform button[type=submit]`))
	waitQuery("营商环境 机关:上海市 from:2020-01-01")
	if n := eval(`document.querySelectorAll('a.chip').length`).(float64); n != 2 {
		t.Errorf("%v chips", n)
	}
	// Search within the results: a narrower query, the filters kept.
	before := eval(`parseInt(document.querySelector('p.count').textContent.match(/找到 (\d+)/)[1])`).(float64)
	do(chromedp.SendKeys(`#within`, "条例"), chromedp.Click(`form.within button`))
	waitQuery("营商环境 机关:上海市 from:2020-01-01 条例")
	after := eval(`parseInt((document.querySelector('p.count').textContent.match(/找到 (\d+)/) || [0, 0])[1])`).(float64)
	if after == 0 || after > before {
		t.Errorf("within results: %v of %v", after, before)
	}

	// Oldest first.
	do(chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("人民政府")), chromedp.WaitVisible(`ol.hits li.hit`),
		chromedp.Click(`nav.switch a[href*="sort=date_asc"]`), chromedp.WaitVisible(`nav.switch span.on`))
	dates := eval(`[...document.querySelectorAll('ol.hits time.date')].map(t => t.dateTime)`).([]any)
	for i := 1; i < len(dates); i++ {
		if dates[i].(string) < dates[i-1].(string) {
			t.Errorf("not oldest first: %v", dates)
			break
		}
	}
	if len(dates) < 5 || !strings.Contains(text(`nav.switch[aria-label="排序"] span.on`), "从旧到新") {
		t.Errorf("oldest first: %d dates, tab %q", len(dates), text(`nav.switch[aria-label="排序"] span.on`))
	}

	// The feed: announced in the head, linked on the page, a valid Atom
	// feed newest first.
	feedHref := eval(`document.querySelector('link[rel=alternate][type="application/atom+xml"]').href`).(string)
	if visible := eval(`document.querySelector('a.feed').href`).(string); visible != feedHref || !strings.Contains(feedHref, "/feed?q=") {
		t.Errorf("feed links %q and %q", feedHref, visible)
	}
	feed := eval(`fetch(document.querySelector('a.feed').href).then(r => r.text()).then(x => {
		const d = new DOMParser().parseFromString(x, 'application/xml');
		return [d.documentElement.namespaceURI, d.getElementsByTagName('parsererror').length, [...d.querySelectorAll('entry > updated')].map(u => u.textContent)];
	})`).([]any)
	updated := feed[2].([]any)
	if feed[0] != "http://www.w3.org/2005/Atom" || feed[1].(float64) != 0 || len(updated) < 5 {
		t.Errorf("feed: %v", feed)
	}
	for i := 1; i < len(updated); i++ {
		if updated[i].(string) > updated[i-1].(string) {
			t.Errorf("feed not newest first: %v", updated)
			break
		}
	}
	// The exports: CSV with a BOM and a row per hit, JSON.
	exp := eval(`Promise.all([...document.querySelectorAll('.exports a')].map(a => fetch(a.href).then(r => r.arrayBuffer().then(b => {
		const bytes = new Uint8Array(b), x = new TextDecoder('utf-8', {ignoreBOM: true}).decode(b);
		return [a.textContent, r.headers.get('content-type'), x.slice(0, 4), x.split('\r\n').length, bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF];
	}))))`).([]any)
	if len(exp) != 2 {
		t.Fatalf("exports %v", exp)
	}
	for _, e := range exp {
		e := e.([]any)
		switch e[0] {
		case "CSV":
			if e[1] != "text/csv; charset=utf-8" || !strings.HasPrefix(e[2].(string), "\uFEFF序号") || e[3].(float64) < 10 || e[4] != true {
				t.Errorf("CSV export %v", e)
			}
		case "JSON":
			if !strings.HasPrefix(e[1].(string), "application/json") || !strings.HasPrefix(e[2].(string), `{"q`) {
				t.Errorf("JSON export %v", e)
			}
		default:
			t.Errorf("export %v", e)
		}
	}

	// Open the seed report from its section link: it lands on the
	// paragraph, with the query highlighted, and both forms of its
	// citation copy.
	do(chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape(`"深化“放管服”改革"`)),
		chromedp.WaitVisible(`a.para`),
		chromedp.Click(`li.hit a.para[href*="seed-000_44bda8417bfe1ce5"]`),
		chromedp.WaitVisible(`.para:target`))
	target := eval(`document.querySelector('.para:target').id`).(string)
	docMarks := eval(`document.querySelectorAll('.para:target mark').length`).(float64)
	if target != "p-7" || docMarks == 0 {
		t.Errorf("landed on %q with %v marks", target, docMarks)
	}
	if msg := text(`.document > p.message`); !strings.HasPrefix(msg, "已标出“深化") || strings.ContainsAny(msg, `"＂`) {
		t.Errorf("message %q", msg)
	}
	do(chromedp.Click(`.para:target details.cite summary`), chromedp.WaitVisible(`.para:target button.copy`))
	audit("document")
	shoot(t, ctx, "document-desktop.png")
	permalink := srv.URL + "/doc/seed-000_44bda8417bfe1ce5#p-7"
	wantCite := "《重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告》（重庆市九龙坡区人民政府，2023-03-23）一、主要举措和成效 › (二)健全政府机构职能体系,推动更好发挥政府作用 › 2.深化“放管服”改革,强化营商环境法治保障 第7段 " + permalink
	wantGBT := "重庆市九龙坡区人民政府. 重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告[EB/OL]. (2023-03-23)[" +
		time.Now().In(chinaTime).Format("2006-01-02") + "]. " + permalink + "."
	for i, want := range []string{wantCite, wantGBT} {
		sel := `.para:target .cite-form:nth-of-type(` + strconv.Itoa(i+1) + `)`
		if got := text(sel + ` .citation`); got != want {
			t.Errorf("citation %d: %q, want %q", i+1, got, want)
		}
		do(chromedp.Click(sel+` button.copy`), chromedp.WaitVisible(sel+` button.copy[data-copied="1"]`))
		if clip := eval(`navigator.clipboard.readText()`).(string); clip != want {
			t.Errorf("clipboard %q, want %q", clip, want)
		}
	}
	// The whole document's citation copies too.
	do(chromedp.Click(`.doccite .cite-form:nth-of-type(2) button.copy`), chromedp.WaitVisible(`.doccite button.copy[data-copied="1"]`))
	if clip := eval(`navigator.clipboard.readText()`).(string); !strings.Contains(clip, "[EB/OL]") || !strings.HasSuffix(clip, "/doc/seed-000_44bda8417bfe1ce5.") {
		t.Errorf("document citation copied %q", clip)
	}

	// Printed, the document is its text and its citation: no header, nav,
	// forms or citation boxes.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	shown := eval(`Object.fromEntries(['header.site', 'footer.site', 'nav.outline', 'form', '.para details.cite', '.doccite', 'article.document h1', '#p-7', '.back']
		.map(s => [s, !!document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== 'none']))`).(map[string]any)
	for sel, want := range map[string]bool{"header.site": false, "footer.site": false, "nav.outline": false, "form": false,
		".para details.cite": false, ".doccite": true, "article.document h1": true, "#p-7": true} {
		if shown[sel] != want {
			t.Errorf("printed, %s shown: %v", sel, shown[sel])
		}
	}
	shoot(t, ctx, "document-print.png")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	// Commitments: reached from the header; pick 重庆市 from the list, then
	// 2025; open the follow-up of 数字重庆 and land on the paragraph of
	// the 2026 report.
	do(chromedp.Click(`header nav.sitenav a[href="/commitments"]`), chromedp.WaitVisible(`p.choices a`))
	audit("commitments")
	do(chromedp.Click(`p.choices a[href*="`+url.QueryEscape("重庆市人民政府")+`"]`),
		chromedp.WaitVisible(`p.choices a[href$="year=2025"]`),
		chromedp.Click(`p.choices a[href$="year=2025"]`),
		chromedp.WaitVisible(`li.citem .status.answered`))
	if n := eval(`document.querySelectorAll('li.citem').length`).(float64); n < 100 {
		t.Errorf("%v commitments on the page", n)
	}
	audit("commitments report")
	if csv := eval(`fetch([...document.querySelectorAll('.exports a')].find(a => a.textContent === 'CSV').href).then(r => r.text()).then(x => x.split('\r\n').length)`).(float64); csv < 100 {
		t.Errorf("commitments CSV has %v lines", csv)
	}
	shoot(t, ctx, "commitments-desktop.png")
	eval(`[...document.querySelectorAll('li.citem')].find(li => li.querySelector('.ctext').textContent.includes('推动形成数字重庆基本能力')).querySelector('.followup a').click(), true`)
	do(chromedp.WaitVisible(`.para:target`))
	if id, txt := eval(`document.querySelector('.para:target').id`).(string), text(`.para:target`); id != "p-18" || !strings.Contains(txt, "数字重庆基本能力总体形成") {
		t.Errorf("follow-up landed on %s: %.80s", id, txt)
	}

	// Partial results, a correction and 更多 (the fake site).
	do(chromedp.Navigate(fakeSrv.URL+"/search?q="+url.QueryEscape("放官服 纠缠")), chromedp.WaitVisible(`p.partial`))
	if s := text(`p.suggest a`); s != "放管服" {
		t.Errorf("suggestion %q", s)
	}
	if m := text(`li.hit p.matched`); m != "包含：纠缠" {
		t.Errorf("matched words %q", m)
	}
	if eval(`document.querySelector('aside.facets details.more-values li a').checkVisibility()`) != false {
		t.Error("the values under 更多 show before it is opened")
	}
	do(chromedp.Click(`aside.facets details.more-values summary`), chromedp.WaitVisible(`aside.facets details.more-values li a`))
	if v := text(`aside.facets details.more-values li a`); v != "第11机关" {
		t.Errorf("更多 opens on %q", v)
	}
	audit("partial results")

	// Phone width: facets folded above the results, nothing scrolls
	// sideways, no date or tab breaks.
	do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("营商环境")),
		chromedp.WaitVisible(`ol.hits li.hit`))
	audit("results on a phone")
	pos := eval(`[document.querySelector('details.facets-phone').getBoundingClientRect().top, document.querySelector('ol.hits li.hit').getBoundingClientRect().top, window.innerHeight,
		getComputedStyle(document.querySelector('aside.facets')).display, document.querySelector('details.facets-phone').open]`).([]any)
	if pos[0].(float64) > pos[1].(float64) || pos[0].(float64) > pos[2].(float64) || pos[3] != "none" || pos[4] != false {
		t.Errorf("phone facets: top %v, first hit %v, screen %v, sidebar %v, open %v", pos...)
	}
	shoot(t, ctx, "results-phone.png")
	do(chromedp.Click(`details.facets-phone summary`), chromedp.WaitVisible(`details.facets-phone li a`))
	audit("facets on a phone")
	facet := text(`details.facets-phone li:first-of-type a`)
	do(chromedp.Click(`details.facets-phone li:first-of-type a`), chromedp.WaitVisible(`a.chip`))
	if chip := text(`a.chip`); !strings.Contains(chip, facet) {
		t.Errorf("phone facet %q gave chip %q", facet, chip)
	}
	do(chromedp.Navigate(srv.URL+"/doc/seed-000_44bda8417bfe1ce5?q="+url.QueryEscape("放管服")+"#p-7"),
		chromedp.WaitVisible(`.para:target`))
	audit("document on a phone")
	shoot(t, ctx, "document-phone.png")
	do(chromedp.Navigate(srv.URL+"/commitments?agency="+url.QueryEscape("重庆市")+"&year=2025"), chromedp.WaitVisible(`li.citem`))
	audit("commitments on a phone")
	do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`form.big`), chromedp.Click(`details.advanced summary`), chromedp.WaitVisible(`#adv-agency`))
	audit("advanced form on a phone")
	do(chromedp.Navigate(fakeSrv.URL+"/search?q="+url.QueryEscape("放官服")), chromedp.WaitVisible(`p.partial`))
	audit("partial results on a phone")

	// Targets: the State Council's growth targets at desktop and phone
	// width: the chart drawn on the server, with its title; the table
	// with statuses in words, each target and result linked to its
	// paragraph; years never broken across lines; the page passes the
	// checks above; and a result's link lands on its paragraph.
	targetsURL := tsrv.URL + "/targets?agency=" + url.QueryEscape("国务院") + "&indicator=" + url.QueryEscape("经济增长")
	for _, v := range []struct {
		name string
		size chromedp.Action[chromedp.Void]
	}{{"desktop", chromedp.EmulateViewport(1280, 1300)}, {"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)}} {
		do(v.size, chromedp.Navigate(targetsURL), chromedp.WaitVisible(`figure.tchart svg`))
		if title := eval(`document.querySelector('figure.tchart svg title').textContent`).(string); title != "国务院 经济增长：目标与实际" {
			t.Errorf("%s: chart title %q", v.name, title)
		}
		if w := eval(`document.querySelector('figure.tchart svg').getBoundingClientRect().width`).(float64); w < 590 {
			t.Errorf("%s: the chart is %vpx wide", v.name, w)
		}
		met := eval(`[...document.querySelectorAll('table.ttable tbody tr')].filter(tr => tr.querySelector('td[data-label="状态"]').innerText.trim().startsWith('✓ 达成')).length`).(float64)
		missed := eval(`[...document.querySelectorAll('table.ttable tbody tr')].filter(tr => tr.querySelector('td[data-label="状态"]').innerText.trim().startsWith('✗ 未达成')).length`).(float64)
		cited := eval(`document.querySelectorAll('table.ttable a[href^="/doc/"][href*="#p-"]').length`).(float64)
		if met < 5 || missed != 1 || cited < 15 {
			t.Errorf("%s: %v rows 达成, %v 未达成, %v links to paragraphs", v.name, met, missed, cited)
		}
		if broken := eval(`[...document.querySelectorAll('.targets .nw')].filter(e => e.getClientRects().length > 1).length`).(float64); broken > 0 {
			t.Errorf("%s: %v years or dates broken across lines", v.name, broken)
		}
		audit("targets, " + v.name)
		if v.name == "phone" {
			if d := eval(`getComputedStyle(document.querySelector('table.ttable td')).display`).(string); d != "block" {
				t.Errorf("phone: table cells are %q, not stacked", d)
			}
			eval(`document.querySelector('figure.tchart').scrollIntoView(), true`)
		}
		shoot(t, ctx, "targets-"+v.name+".png")
	}
	eval(`document.querySelector('table.ttable tr.missed td[data-label="实际完成"] a.src').click(), true`)
	do(chromedp.WaitVisible(`.para:target`))
	if id, txt := eval(`document.querySelector('.para:target').id`).(string), text(`.para:target`); id != "p-6" || !strings.Contains(txt, "国内生产总值增长3%") {
		t.Errorf("the 2022 result landed on %s: %.80s", id, txt)
	}

	consoleMu.Lock()
	defer consoleMu.Unlock()
	for _, m := range console {
		if strings.Contains(m, "Content Security Policy") || strings.HasPrefix(m, "exception") {
			t.Errorf("console: %s", m)
		}
	}
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
