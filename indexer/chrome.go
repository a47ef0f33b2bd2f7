package indexer

import (
	"regexp"
	"strings"
)

// chromeLines are whole lines of page chrome: share, print and font-size
// bars, and the link lists of page footers.
var chromeLines = map[string]bool{}

func init() {
	for _, s := range []string{
		"下载", "打印", "全屏", "收藏", "关闭", "关闭窗口", "打印本页", "【打印】", "【关闭】", "【打印本页】", "【关闭窗口】",
		"加大", "还原", "减小", "】", "【", "大", "中", "小", "默认", "分享", "分享到", "分享到：", "分享到:", "分享到微信",
		"微信", "微博", "QQ空间", "我要纠错", "返回顶部", "打印此页", "关闭此页", "【字号：", "【字号:",
		"扫一扫在手机打开当前页", "扫一扫在手机上查看当前页面",
		"国务院部门网站", "地方政府网站", "市政府部门网站", "区(县)政府网站", "区（县）政府网站", "驻港澳机构网站", "驻外机构",
		"媒体网站", "相关报道：", "相关报道", "相关链接", "相关链接：", "相关文件", "相关文件：", "相关解读", "相关解读：",
	} {
		chromeLines[s] = true
	}
}

var (
	// A bar of page actions on one line: 下载 打印 全屏 收藏 【字号：加大 还原 减小】.
	actionBarRe = regexp.MustCompile(`^(?:(?:下载|打印|全屏|收藏|关闭|分享|分享到|【?字号[:：][^】]*】?|【?字体[:：][^】]*】?|[【】]|大|中|小)[\s\x{3000}]*){2,}$`)
	fontSizeRe  = regexp.MustCompile(`^【?(?:字号|字体)[:：].{0,16}】?$`)
	// Breadcrumbs: 您当前的位置: 首页>政务公开>…
	breadcrumbRe = regexp.MustCompile(`^(?:您当前的位置|您的位置|当前位置|您现在的位置)[:：]`)
	// Lines of page metadata near the top of a page.
	headMetaRe = regexp.MustCompile(`^(?:来源|作者|编辑|责任编辑|浏览次数|点击数|阅读次数|信息来源|访问量)[:：]\s*\S{0,30}$`)
	timeLineRe = regexp.MustCompile(`^(?:时间|发布时间)[:：]\s*\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$`)
	// Markers after which the rest of a page is footer.
	footerStarts = []string{"扫一扫在手机打开当前页", "扫一扫在手机上查看当前页面", "相关报道：", "相关报道", "相关链接", "【打印本页】", "【关闭窗口】", "分享到微信"}
	tailMetaRe   = regexp.MustCompile(`^(?:责任编辑|编辑|校对|审核)[:：]\s*\S{0,20}$`)
)

// headLines is how far from the top page metadata lines are looked for.
const headLines = 15

// isChrome reports whether a trimmed line is page chrome wherever it is.
func isChrome(line string) bool {
	return chromeLines[line] || actionBarRe.MatchString(line) || fontSizeRe.MatchString(line)
}

// stripChrome removes page chrome from trimmed lines: action bars and
// share buttons anywhere, metadata lines (来源, 时间 …) near the top, and
// everything from a footer marker (扫一扫在手机打开当前页, 相关报道 …) in the
// last part of the page on.
func stripChrome(lines []string) []string {
	// Footer: cut at the first marker in the last third of the page.
	cut := len(lines)
	for i := len(lines) * 2 / 3; i < len(lines); i++ {
		for _, m := range footerStarts {
			if lines[i] == m || strings.HasPrefix(lines[i], m) && len(lines[i]) < len(m)+30 {
				cut = i
				break
			}
		}
		if cut < len(lines) {
			break
		}
	}
	lines = lines[:cut]
	out := lines[:0:0]
	for i, l := range lines {
		switch {
		case isChrome(l):
			continue
		case i < headLines && (headMetaRe.MatchString(l) || timeLineRe.MatchString(l) || breadcrumbRe.MatchString(l)):
			continue
		case i >= len(lines)-5 && tailMetaRe.MatchString(l):
			continue
		}
		out = append(out, l)
	}
	return out
}
