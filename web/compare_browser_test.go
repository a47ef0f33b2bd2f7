package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCompareBrowser follows a reader from a regulation's page to the
// comparison with its revision: side by side on a desktop, stacked on a
// phone, and back to the cited paragraph.
func TestCompareBrowser(t *testing.T) {
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
	// The row of the article added in 2024, and where its two cells are.
	const row = `[...document.querySelectorAll('.cmp-row')].find(r => r.textContent.includes('第二十三条 发生突发事件的'))`
	const firstChanged = `document.querySelector('.cmp-row.changed')`
	box := func(el string) map[string]any {
		t.Helper()
		return eval(`(() => { const r = ` + el + `.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; })()`).(map[string]any)
	}

	// From the 2020 text, follow "compare with this document" to 2024.
	do(chromedp.Navigate(srv.URL+"/doc/"+sh2020),
		chromedp.WaitVisible(`nav.versions a.cmp`),
		chromedp.Click(`nav.versions a.cmp`),
		chromedp.WaitVisible(`.cmp-sec`))
	if u := eval(`location.pathname + location.search`).(string); u != "/compare?a="+sh2020+"&b="+sh2024 {
		t.Fatalf("compare link went to %s", u)
	}
	// Desktop: the two versions of a changed sentence side by side.
	a, b := box(firstChanged+`.querySelector('.cell.a')`), box(firstChanged+`.querySelector('.cell.b')`)
	if a["top"] != b["top"] || b["left"].(float64) < a["right"].(float64) {
		t.Errorf("changed row not side by side: A %v, B %v", a, b)
	}
	if n := eval(firstChanged + `.querySelectorAll('del, ins').length`).(float64); n == 0 {
		t.Error("no marked words in a changed row")
	}
	// The added article: marked ＋ and said in words, A's cell says A lacks it.
	if got := eval(row + `.className`).(string); got != "cmp-row added" {
		t.Errorf("added article's row class %q", got)
	}
	if got := eval(row + `.querySelector('.mark').textContent`).(string); got != "＋新增：" {
		t.Errorf("added article's mark %q", got)
	}
	// Unchanged articles are folded until opened.
	if eval(`document.querySelector('details.cmp-same .cmp-sec').checkVisibility()`).(bool) {
		t.Error("unchanged sections shown before opening")
	}
	do(chromedp.Click(`details.cmp-same summary`))
	if eval(`!document.querySelector('details.cmp-same .cmp-sec').checkVisibility()`).(bool) {
		t.Error("opening the fold shows nothing")
	}
	do(chromedp.Navigate(srv.URL+"/compare?a="+sh2020+"&b="+sh2024), chromedp.WaitVisible(`.cmp-sec`))
	shoot(t, ctx, "compare-desktop.png")

	// Phone: the same row stacked, A above B, nothing scrolls sideways.
	do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(srv.URL+"/compare?a="+sh2020+"&b="+sh2024),
		chromedp.WaitVisible(`.cmp-sec`))
	a, b = box(firstChanged+`.querySelector('.cell.a')`), box(firstChanged+`.querySelector('.cell.b')`)
	if b["top"].(float64) < a["bottom"].(float64) {
		t.Errorf("changed row not stacked on a phone: A %v, B %v", a, b)
	}
	if eval(`document.documentElement.scrollWidth > window.innerWidth + 1`).(bool) {
		t.Error("the compare page scrolls sideways at phone width")
	}
	if h := box(row + `.querySelector('.cell.a')`)["height"].(float64); h != 0 {
		t.Errorf("the empty A cell of an added article takes %vpx on a phone", h)
	}
	shoot(t, ctx, "compare-phone.png")

	// The paragraph number leads to the paragraph in the 2024 text.
	eval(row + `.querySelector('.cell.b a.pn').click(), true`)
	do(chromedp.WaitVisible(`.para:target`))
	if id, txt := eval(`document.querySelector('.para:target').id`).(string), eval(`document.querySelector('.para:target').textContent`).(string); id != "p-57" || !strings.Contains(txt, "发生突发事件的") {
		t.Errorf("landed on %s: %.60s", id, txt)
	}
}
