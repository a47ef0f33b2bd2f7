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
	"github.com/gongkai/gongkai/search/commitments"
	"github.com/gongkai/gongkai/search/targets"
)

func cmdCommitments(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("commitments", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	agency := fs.String("agency", "", "机关：国务院、上海市、上海市人民政府……")
	year := fs.Int("year", 0, "部署所针对的年份")
	asJSON := fs.Bool("json", false, "输出 JSON")
	k := fs.Int("follow-ups", 3, "每项部署列出的回应段落数")
	n := fs.Int("n", 0, "最多列出的部署条数（0 为全部）")
	status := fs.String("status", "", "只列出该状态的部署：有回应、待核对、未见回应、尚无回顾")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `用法: gongkai commitments --agency 机关 --year 年份 [--json] [-n N] [--follow-ups K] [--status 状态] [--index DIR]

列出该机关工作报告中为该年度作出的部署（承诺），以及其后报告回顾该年度的段落中
与之对应的回应。状态: 有回应（回顾中有一句写到这项部署的要点：其加权关键词的 80% 以上，
或 25% 以上且不更像另一项部署；有数量目标的按目标与实际完成数判断）、待核对（列出最接近
的段落，需人工阅读判断）、未见回应（回顾中几乎没有它的关键词，或写到的是另一项部署）、
尚无回顾（索引中还没有回顾该年度的报告）。每项部署后注明判断的理由。`)
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
	if strings.TrimSpace(*agency) == "" || *year <= 0 {
		fs.Usage()
		return &exitError{Code: 2, Err: errors.New("需要 --agency 和 --year")}
	}
	if *k < 1 || *k > 10 {
		return &exitError{Code: 2, Err: fmt.Errorf("--follow-ups 应在 1–10 之间（收到 %d）", *k)}
	}
	if *status != "" && !commitments.KnownStatus(*status) {
		return &exitError{Code: 2, Err: fmt.Errorf("未知状态 %q（可用: 有回应、待核对、未见回应、尚无回顾）", *status)}
	}
	var r *commitments.Report
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai commitments"})
	if le := indexflag.Held(err); le != nil && le.Owner != nil && le.Owner.Addr != "" {
		// The index is held by a running server: ask it instead.
		fmt.Fprintf(stderr, "（索引正由服务 %s 使用，已通过该服务查询）\n", le.Owner.Addr)
		q := url.Values{"agency": {*agency}, "year": {strconv.Itoa(*year)}, "n": {strconv.Itoa(*k)}}
		if *status != "" {
			q.Set("status", *status)
		}
		r = &commitments.Report{}
		err = indexflag.Get(ctx, le.Owner.Addr, "/api/commitments", q, r)
	} else if le != nil {
		return &exitError{Code: 1, Err: errors.New(indexflag.HeldMessage(le))}
	} else if err == nil {
		defer idx.Close()
		var tt *targets.Tracker
		if tt, err = targets.New(idx, targets.Options{}); err != nil {
			return err
		}
		tr := &commitments.Tracker{Index: idx, FollowUps: *k, Quantitative: tt.Judge()}
		r, err = tr.Report(ctx, *agency, *year)
		if err == nil {
			r.Keep(*status)
		}
	}
	var ae *commitments.AmbiguousError
	if errors.As(err, &ae) {
		return &exitError{Code: 2, Err: fmt.Errorf("“%s”对应多个政府：%s，请写出全称", ae.Name, strings.Join(ae.Candidates, "、"))}
	}
	if err != nil {
		return err
	}
	if *n > 0 && len(r.Commitments) > *n {
		r.Commitments = r.Commitments[:*n]
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
	printReport(stdout, r, color)
	return nil
}

// printReport prints a commitments report for reading in a terminal.
func printReport(w io.Writer, r *commitments.Report, color bool) {
	if len(r.Plans) == 0 {
		fmt.Fprintf(w, "没有找到 %s 关于 %d 年的工作部署（需要该机关 %d 年或前一年的工作报告、计划等文件）\n", r.Agency, r.Year, r.Year)
		return
	}
	var plans, reviews []string
	for _, d := range r.Plans {
		plans = append(plans, d.Title+"（"+d.ID+"）")
	}
	for _, d := range r.Reviews {
		reviews = append(reviews, d.Title+"（"+d.ID+"）")
	}
	fmt.Fprintf(w, "%s %d 年的部署：%s\n", r.Agency, r.Year, strings.Join(plans, "、"))
	if len(reviews) == 0 {
		fmt.Fprintf(w, "回顾 %d 年的文件：索引中尚无\n", r.Year)
	} else {
		fmt.Fprintf(w, "回顾 %d 年的文件：%s\n", r.Year, strings.Join(reviews, "、"))
	}
	total := 0
	for _, c := range r.Counts {
		total += c
	}
	fmt.Fprintf(w, "共 %d 项", total)
	if len(r.Commitments) != total {
		fmt.Fprintf(w, "（以下列出 %d 项）", len(r.Commitments))
	}
	fmt.Fprintf(w, "：有回应 %d，待核对 %d，未见回应 %d",
		r.Counts[commitments.Answered], r.Counts[commitments.Unclear], r.Counts[commitments.Unanswered])
	if n := r.Counts[commitments.NoReview]; n > 0 {
		fmt.Fprintf(w, "，尚无回顾 %d", n)
	}
	fmt.Fprint(w, "\n\n")
	for i, c := range r.Commitments {
		st := "[" + c.Status + "]"
		if color {
			st = "\x1b[1m" + st + "\x1b[0m"
		}
		fmt.Fprintf(w, "%d. %s %s\n", i+1, st, c.Text)
		path := ""
		if len(c.Path) > 0 {
			path = shorten(c.Path[len(c.Path)-1], 24) + " "
		}
		fmt.Fprintf(w, "   出处：%s %s¶%d · %s\n", c.DocID, path, c.Paragraph, c.ID)
		if c.Status == commitments.NoReview {
			fmt.Fprintln(w)
			continue
		}
		for _, f := range c.FollowUps {
			fmt.Fprintf(w, "   → %.2f %s ¶%d  %s\n", f.Score, f.DocID, f.Paragraph, shorten(terminalSnippet(f.Snippet, false), 90))
		}
		fmt.Fprintln(w)
	}
}
