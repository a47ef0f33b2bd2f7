package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
	"github.com/gongkai/gongkai/search/targets"
)

func cmdTargets(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	agency := fs.String("agency", "", "机关：国务院、浙江、浙江省人民政府……")
	year := fs.Int("year", 0, "目标所针对的年份（0 为全部年份）")
	indicator := fs.String("indicator", "", "只看一个指标：经济增长、GDP、城镇调查失业率……")
	asJSON := fs.Bool("json", false, "输出 JSON")
	extra := fs.String("indicators", "", "附加指标表（格式同 search/targets/indicators.tsv）")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `用法: gongkai targets --agency 机关 [--year 年份] [--indicator 指标] [--json] [--indicators 文件] [--index DIR]

列出该机关工作报告“主要预期目标”等处提出的数量目标（国内生产总值增长5%左右、
城镇新增就业1200万人以上……），以及其后报告回顾该年度时给出的实际完成数，
并按数字和比较词（左右、以上、以内、区间）判断：达成、未达成、无法比较。
目标和实际都注明出处（文档和段落）。`)
		fs.PrintDefaults()
	}
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return &exitError{Code: 2, Err: fmt.Errorf("多余的参数：%s", strings.Join(rest, " "))}
	}
	if strings.TrimSpace(*agency) == "" {
		fs.Usage()
		return &exitError{Code: 2, Err: errors.New("需要 --agency")}
	}
	if *year != 0 && (*year < 1949 || *year > 2100) {
		return &exitError{Code: 2, Err: fmt.Errorf("年份 %d 超出范围（1949–2100，或 0 表示全部年份）", *year)}
	}
	// The indicator table is read, and the indicator checked, before the
	// index is opened: a typo is answered at once.
	table, err := targets.LoadTable(*extra)
	if err != nil {
		return &exitError{Code: 2, Err: fmt.Errorf("指标表有误：%w", err)}
	}
	if *indicator != "" && table.Lookup(*indicator) == nil {
		return &exitError{Code: 2, Err: errors.New(unknownIndicator(*indicator, table))}
	}

	var r *targets.Report
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai targets"})
	if le := indexflag.Held(err); le != nil && le.Owner != nil && le.Owner.Addr != "" {
		if *extra != "" {
			// The server reads with its built-in table only; its answer
			// would silently ignore the file.
			return &exitError{Code: 1, Err: fmt.Errorf("索引正由服务 %s 使用，服务只用内置指标表，无法使用 --indicators %s。请先停止该服务再重试", le.Owner.Addr, *extra)}
		}
		// The index is held by a running server: ask it instead.
		fmt.Fprintf(stderr, "（索引正由服务 %s 使用，已通过该服务查询）\n", le.Owner.Addr)
		q := url.Values{"agency": {*agency}}
		if *year > 0 {
			q.Set("year", strconv.Itoa(*year))
		}
		if *indicator != "" {
			q.Set("indicator", *indicator)
		}
		r = &targets.Report{}
		err = indexflag.Get(ctx, le.Owner.Addr, "/api/targets", q, r)
		var qe *search.QueryError
		if errors.As(err, &qe) {
			return &exitError{Code: 2, Err: errors.New(qe.Msg)}
		}
	} else if le != nil {
		return &exitError{Code: 1, Err: errors.New(indexflag.HeldMessage(le))}
	} else if err == nil {
		defer idx.Close()
		var tr *targets.Tracker
		tr, err = targets.New(idx, targets.Options{ExtraIndicators: *extra})
		if err == nil {
			r, err = tr.Report(ctx, *agency, *year, *indicator)
		}
	}
	var ae *commitments.AmbiguousError
	if errors.As(err, &ae) {
		return &exitError{Code: 2, Err: fmt.Errorf("“%s”对应多个政府：%s，请写出全称", ae.Name, strings.Join(ae.Candidates, "、"))}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	color := false
	if f, ok := stdout.(*os.File); ok {
		color = isatty.IsTerminal(f.Fd())
	}
	printTargets(stdout, r, color)
	return nil
}

// unknownIndicator says that name is not in the table and lists the names
// that are.
func unknownIndicator(name string, t *targets.Table) string {
	names := make([]string, 0, len(t.Indicators))
	for _, ind := range t.Indicators {
		names = append(names, ind.Name)
	}
	return "未知指标：" + name + "（可用：" + strings.Join(names, "、") + "）"
}

// printTargets prints a targets report for reading in a terminal: by year,
// each target with its source, its result with its source, and its status.
func printTargets(w io.Writer, r *targets.Report, color bool) {
	what := "数量目标"
	if r.Indicator != "" {
		what = r.Indicator + "目标"
	}
	when := "各年度"
	if r.Year > 0 {
		when = strconv.Itoa(r.Year) + " 年"
	}
	if len(r.Targets) == 0 {
		fmt.Fprintf(w, "没有找到 %s %s的%s（需要该机关的政府工作报告等列出预期目标的文件）\n", r.Agency, when, what)
		if len(r.Years) > 0 {
			ys := make([]string, len(r.Years))
			for i, y := range r.Years {
				ys[i] = strconv.Itoa(y)
			}
			fmt.Fprintf(w, "该机关有数量目标的年份：%s\n", strings.Join(ys, "、"))
		}
		return
	}
	fmt.Fprintf(w, "%s %s的%s与实际完成\n", r.Agency, when, what)
	docs := func(label string, ds []targets.DocRef) {
		names := make([]string, len(ds))
		for i, d := range ds {
			names[i] = d.Title + "（" + d.ID + "）"
		}
		if len(names) == 0 {
			names = []string{"索引中尚无"}
		}
		fmt.Fprintf(w, "%s：%s\n", label, strings.Join(names, "、"))
	}
	docs("目标出自", r.Plans)
	docs("实际出自", r.Reviews)
	fmt.Fprintf(w, "共 %d 项：达成 %d，未达成 %d，无法比较 %d\n", len(r.Targets),
		r.Counts[targets.Met], r.Counts[targets.Missed], r.Counts[targets.NotCompared])
	year := 0
	for _, tg := range r.Targets {
		if tg.Year != year {
			year = tg.Year
			fmt.Fprintf(w, "\n%d 年\n", year)
		}
		st := "[" + tg.Status + "]"
		if color {
			st = "\x1b[1m" + st + "\x1b[0m"
		}
		fmt.Fprintf(w, "%s %s：%s（%s）\n", st, tg.Indicator, tg.Phrase, tg.Comparison)
		fmt.Fprintf(w, "   目标出处：%s ¶%d\n", tg.Source.DocID, tg.Source.Paragraph)
		if a := tg.Actual; a != nil {
			fmt.Fprintf(w, "   实际：%s  出处：%s ¶%d\n", a.Phrase, a.Source.DocID, a.Source.Paragraph)
		}
		fmt.Fprintf(w, "   %s\n", tg.Reason)
	}
}
