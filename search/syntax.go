package search

import "strings"

// FilterSpec describes one filter of the query syntax (name:value). The
// parser, the pages (filter chips, the advanced search form, the syntax
// help) and the command line's help all read FilterSpecs, so the syntax is
// written down once.
type FilterSpec struct {
	// Name is the canonical name, as the parser reports it in Part.Field.
	Name string
	// Names are every name the parser accepts, the canonical one first,
	// then the Chinese one pages show.
	Names []string
	// Label is the Chinese name of the filter on pages.
	Label string
	// Example is a whole filter as a user would type it.
	Example string
	// Help says in Chinese what the filter keeps.
	Help string
}

// Canonical filter names.
const (
	FilterAgency   = "agency"
	FilterType     = "type"
	FilterYear     = "year"
	FilterDocNum   = "docnum"
	FilterTitle    = "title"
	FilterFrom     = "from"
	FilterTo       = "to"
	FilterRole     = "role"
	FilterCategory = "category"
)

var filterSpecs = []FilterSpec{
	{FilterAgency, []string{"agency", "机关", "发文机关"}, "发文机关", "机关:九龙坡区",
		"发文机关包含该词；机关:=国务院 表示机关名称恰为“国务院”"},
	{FilterType, []string{"type", "文种"}, "文种", "文种:通知", "文种（通知、意见、报告、条例……）"},
	{FilterYear, []string{"year", "年份"}, "年份", "年份:2022", "发布年份（未注明日期的报告按其所述年份）"},
	{FilterDocNum, []string{"docnum", "文号", "发文字号"}, "文号", "文号:国发〔2019〕5号",
		"发文字号，方括号、圆括号等写法均可；文号:国发〔2019〕 找出该年全部"},
	{FilterTitle, []string{"title", "标题"}, "标题", "标题:条例", "标题包含该词"},
	{FilterFrom, []string{"from", "从", "起"}, "发布日期起", "from:2022-01-01", "发布日期不早于（可写 2022 或 2022-03）"},
	{FilterTo, []string{"to", "到", "止"}, "发布日期止", "to:2022-12-31", "发布日期不晚于"},
	{FilterRole, []string{"role", "类型", "角色"}, "报告内容", "类型:打算",
		"只看报告中某类章节：打算(plan，部署、任务)、回顾(review，成效)、问题(problem，不足)"},
	{FilterCategory, []string{"category", "分类"}, "主题分类", "分类:政府工作报告", "文件所属的主题分类（与结果页“主题分类”一致）"},
}

// FilterSpecs returns the filters of the query syntax, in the order pages
// and help list them.
func FilterSpecs() []FilterSpec { return append([]FilterSpec(nil), filterSpecs...) }

// filterNames maps every accepted filter name (lower case) to its
// canonical name.
var filterNames = func() map[string]string {
	m := map[string]string{}
	for _, f := range filterSpecs {
		for _, n := range f.Names {
			m[strings.ToLower(n)] = f.Name
		}
	}
	return m
}()

// RoleValues lists the values role: accepts for each role, the English
// name first, then the Chinese name pages show.
var roleValueNames = map[string][]string{
	RolePlan:    {"plan", "打算", "计划", "任务", "承诺"},
	RoleReview:  {"review", "回顾", "成效"},
	RoleProblem: {"problem", "问题", "不足"},
}

// roleValues maps the accepted values of role: to roles.
var roleValues = func() map[string]string {
	m := map[string]string{}
	for role, names := range roleValueNames {
		for _, n := range names {
			m[n] = role
		}
	}
	return m
}()

// SyntaxForm is one form of the query syntax other than a filter.
type SyntaxForm struct {
	Example string
	Help    string
}

var syntaxForms = []SyntaxForm{
	{"营商环境 法治", "空格分隔的多个关键词，文档须全部包含"},
	{"公司拖欠工资怎么办", "整句提问：按其中的实词排序"},
	{`"双随机、一公开"`, "精确短语（全角半角、繁简、标点写法不影响）"},
	{"-疫情", "排除含该词的文档（排除短语：-\"关键词\"）"},
	{"放管服 OR 简政放权", "任一即可"},
}

// SyntaxForms returns the forms of the query syntax other than filters.
func SyntaxForms() []SyntaxForm { return append([]SyntaxForm(nil), syntaxForms...) }

// SyntaxHelp returns the query syntax as plain text, one form per line,
// for the command line's help.
func SyntaxHelp() string {
	var b strings.Builder
	b.WriteString("查询语法:\n")
	for _, f := range syntaxForms {
		b.WriteString("  " + pad(f.Example, 28) + f.Help + "\n")
	}
	for _, f := range filterSpecs {
		names := make([]string, len(f.Names))
		for i, n := range f.Names {
			names[i] = n + ":"
		}
		b.WriteString("  " + pad(strings.Join(names, " "), 28) + f.Help + "（例：" + f.Example + "）\n")
	}
	return b.String()
}

// pad pads s with spaces to width display columns (a Chinese character
// takes two).
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		if r >= 0x1100 {
			w += 2
		} else {
			w++
		}
	}
	if w >= width {
		return s + " "
	}
	return s + strings.Repeat(" ", width-w)
}
