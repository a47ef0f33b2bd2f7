package indexer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/analyzer"
)

var dateRe = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)

// normDate reads a date written as 2023-03-23, 2018年11月09日 or 2018/11/9
// (full-width digits too) and returns it as YYYY-MM-DD, or "".
func normDate(s string) string {
	m := dateRe.FindStringSubmatch(analyzer.FoldString(s))
	if m == nil {
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || y > 2100 || t.Month() != time.Month(mo) || t.Day() != d {
		return ""
	}
	return t.Format("2006-01-02")
}

// metaLabels maps the labels of page metadata (in lines such as
// 日期:2023-03-23, or the cells of the gov.cn table) to metadata fields.
var metaLabels = map[string]string{
	"日期": "date", "发布日期": "date", "发布时间": "date", "公开日期": "date", "印发日期": "date_written",
	"成文日期": "date_written", "成文时间": "date_written",
	"发文字号": "doc_number", "文号": "doc_number",
	"索引号":  "index_number",
	"发文机关": "agency", "发布机构": "agency", "发文单位": "agency", "发布机关": "agency",
	"标题": "title", "名称": "title",
	"主题分类": "subcategory", "分类": "subcategory",
}

// labelOf returns the metadata field named by a label such as "索 引 号："
// (spaces and the colon removed), or "".
func labelOf(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' || r == '\u00a0' || r == ':' || r == '：' {
			return -1
		}
		return r
	}, s)
	return metaLabels[s]
}

var metaLineRe = regexp.MustCompile(`^([^:：]{1,8})[:：]\s*(.*)$`)

// metaLine reads a line of page metadata ("日期:2023-03-23",
// "发文字号：国办函〔2018〕71号"), returning the field and its value.
func metaLine(line string) (field, value string, ok bool) {
	m := metaLineRe.FindStringSubmatch(line)
	if m == nil {
		return "", "", false
	}
	field = labelOf(m[1])
	value = strings.TrimSpace(m[2])
	if field == "" || value == "" {
		return "", "", false
	}
	if (field == "date" || field == "date_written") && normDate(value) == "" {
		return "", "", false
	}
	return field, value, true
}

// genericCrumbs are breadcrumb entries that name no category.
var genericCrumbs = map[string]bool{
	"首页": true, "网站首页": true, "政务公开": true, "信息公开": true, "政府信息公开": true, "政府信息公开目录": true,
	"政策": true, "政策文件": true, "政策法规": true, "正文": true, "详情": true,
}

// categoryFromBreadcrumb picks the category from a breadcrumb such as
// "您当前的位置: 首页>政务公开>政府信息公开目录>法治政府建设年度报告 >区政府":
// the last entry that is neither generic nor the name of a level of
// government.
func categoryFromBreadcrumb(line string) string {
	if i := strings.IndexAny(line, ":："); i >= 0 {
		line = line[i+1:]
	}
	parts := strings.FieldsFunc(line, func(r rune) bool { return r == '>' || r == '》' || r == '/' || r == '＞' || r == '→' })
	cat := ""
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || genericCrumbs[p] {
			continue
		}
		if strings.HasSuffix(p, "政府") || strings.HasSuffix(p, "部门") {
			continue
		}
		cat = p
	}
	return cat
}

// organSuffixes end the names of issuing organs.
var organSuffixes = []string{"人民政府", "政府", "办公厅", "办公室", "委员会", "常务委员会", "人民代表大会", "领导小组", "局", "厅", "部", "院", "署", "委", "会", "中心", "军委", "总局", "银行"}

// agencyFromTitle returns the issuing organ named before 关于 in a title
// ("重庆市九龙坡区人民政府关于2022年法治政府建设情况的报告"), or "".
func agencyFromTitle(title string) string {
	i := strings.Index(title, "关于")
	if i <= 0 {
		return ""
	}
	prefix := strings.TrimSpace(title[:i])
	for _, s := range organSuffixes {
		if strings.HasSuffix(prefix, s) && len([]rune(prefix)) <= 40 {
			return prefix
		}
	}
	return ""
}

// docTypes are document types (文种) recognised from a title's ending,
// longest first.
var docTypes = []string{
	"政府工作报告", "指导意见", "实施意见", "实施方案", "工作方案", "行动方案", "行动计划", "实施细则", "管理办法", "暂行办法",
	"暂行规定", "实施办法", "工作要点", "报告", "通知", "意见", "决定", "批复", "复函", "答复", "通报", "公告", "通告",
	"条例", "办法", "规定", "规则", "细则", "方案", "规划", "纲要", "决议", "命令", "解释", "指引", "指南", "计划",
	"要点", "函", "令", "法",
}

// docTypeFromTitle guesses the document type from the end of a title.
func docTypeFromTitle(title string) string {
	t := strings.TrimRight(strings.TrimSpace(title), "）)")
	for _, d := range docTypes {
		if strings.HasSuffix(t, d) {
			return d
		}
	}
	return ""
}

// fillDerived fills what can be derived from the title when a source
// did not say it.
func fillDerived(agency, docType *string, title string) {
	if *agency == "" {
		*agency = agencyFromTitle(title)
	}
	if *docType == "" {
		*docType = docTypeFromTitle(title)
	}
}

// ParseError is a problem with one input: a file, or a record in it.
type ParseError struct {
	Path string
	Line int // 0 when not about a line
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
