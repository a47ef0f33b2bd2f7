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
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/compare"
)

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	asJSON := fs.Bool("json", false, "输出 JSON")
	all := fs.Bool("all", false, "也列出没有变化的章节")
	plansOnly := fs.Bool("plans", false, "只比较两份工作报告的工作部署")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `用法: gongkai compare [--index DIR] [--json] [--all] [--plans] 文档A 文档B

比较两篇文档（例如法规的两个版本、同一政府两个年度的工作报告）：逐章节、逐句对齐，
列出新增（+）、删除（−）和修改（~，标出改动的词）的句子，附章节路径和段落号（¶）。
两篇工作报告还会比较其年度部署：今年新增、不再提及和延续的事项（--plans 只显示这一部分）。`)
		fs.PrintDefaults()
	}
	ids, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 2 {
		fs.Usage()
		return &exitError{Code: 2, Err: errors.New("需要两个文档 ID")}
	}
	d, err := compareIDs(ctx, ix, ids[0], ids[1], stderr)
	if err != nil {
		return err
	}
	if *plansOnly {
		if d.Plans == nil {
			return &exitError{Code: 1, Err: errors.New("两篇文档不是不同年度的工作报告（没有可比较的年度部署）")}
		}
		d = &compare.Diff{Plans: d.Plans}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if *plansOnly {
			return enc.Encode(d.Plans)
		}
		return enc.Encode(d)
	}
	color := false
	if f, ok := stdout.(*os.File); ok {
		color = isatty.IsTerminal(f.Fd())
	}
	if !*plansOnly {
		printDiff(stdout, d, *all, color)
	}
	if d.Plans != nil {
		printPlans(stdout, d.Plans, color)
	}
	return nil
}

// compareIDs compares two documents of the index; when a running server
// holds the index, the server compares them (GET /api/compare).
func compareIDs(ctx context.Context, ix *indexflag.Flags, a, b string, stderr io.Writer) (*compare.Diff, error) {
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai compare"})
	if le := indexflag.Held(err); le != nil && le.Owner != nil && le.Owner.Addr != "" {
		fmt.Fprintf(stderr, "（索引正由服务 %s 使用，已通过该服务比较）\n", le.Owner.Addr)
		d := &compare.Diff{}
		if err := indexflag.Get(ctx, le.Owner.Addr, "/api/compare", url.Values{"a": {a}, "b": {b}}, d); err != nil {
			return nil, err
		}
		return d, nil
	} else if le != nil {
		return nil, &exitError{Code: 1, Err: errors.New(indexflag.HeldMessage(le))}
	}
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	var docs [2]*search.Document
	for i, id := range []string{a, b} {
		d, err := idx.Document(ctx, id)
		if errors.Is(err, search.ErrNotFound) {
			return nil, fmt.Errorf("索引中没有文档 %s", id)
		}
		if err != nil {
			return nil, err
		}
		docs[i] = d
	}
	return compare.Compare(docs[0], docs[1]), nil
}

// diffMarks are how changed words show in a terminal: git's word-diff
// brackets, or colours on a terminal.
type diffMarks struct{ delOpen, delClose, addOpen, addClose, minus, plus, tilde string }

func marksFor(color bool) diffMarks {
	if color {
		return diffMarks{"\x1b[31;9m", "\x1b[0m", "\x1b[32;1m", "\x1b[0m", "\x1b[31m−\x1b[0m", "\x1b[32m+\x1b[0m", "\x1b[33m~\x1b[0m"}
	}
	return diffMarks{"[-", "-]", "{+", "+}", "−", "+", "~"}
}

// words renders a changed sentence's segments with the marks.
func (m diffMarks) words(segs []compare.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		switch s.Op {
		case compare.Removed:
			b.WriteString(m.delOpen + s.Text + m.delClose)
		case compare.Added:
			b.WriteString(m.addOpen + s.Text + m.addClose)
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func docLine(r compare.DocRef) string {
	meta := []string{r.ID}
	if r.Date != "" {
		meta = append(meta, r.Date)
	} else if r.Year > 0 {
		meta = append(meta, fmt.Sprint(r.Year))
	}
	return "《" + r.Title + "》（" + strings.Join(meta, "，") + "）"
}

func pathOf(r *compare.SectionRef) string {
	if r == nil || len(r.Path) == 0 {
		return "（开头）"
	}
	return strings.Join(r.Path, " › ")
}

// printDiff prints a comparison for reading in a terminal: one block per
// section that changed, a line per sentence (+ added, − removed, ~ changed
// with the changed words marked), each with its paragraph number.
func printDiff(w io.Writer, d *compare.Diff, all, color bool) {
	m := marksFor(color)
	c := d.Counts
	fmt.Fprintf(w, "A：%s\nB：%s\n", docLine(d.A), docLine(d.B))
	fmt.Fprintf(w, "章节：未改动 %d，修改 %d，新增 %d，删除 %d；句子：未改动 %d，修改 %d，新增 %d，删除 %d\n",
		c.Sections.Same, c.Sections.Changed, c.Sections.Added, c.Sections.Removed,
		c.Sentences.Same, c.Sentences.Changed, c.Sentences.Added, c.Sentences.Removed)
	if d.Approximate {
		fmt.Fprintln(w, "（文档很长，部分段落按近似方法对齐）")
	}
	for _, s := range d.Sections {
		switch s.Op {
		case compare.Same:
			if all {
				note := "未改动"
				if s.Renumbered {
					note = "仅编号变化"
				}
				fmt.Fprintf(w, "\n= %s → %s（%s）¶%d–%d → ¶%d–%d\n", pathOf(s.A), pathOf(s.B), note, s.A.First, s.A.Last, s.B.First, s.B.Last)
			}
			continue
		case compare.Added:
			fmt.Fprintf(w, "\n%s 新增 %s\n", m.plus, pathOf(s.B))
		case compare.Removed:
			fmt.Fprintf(w, "\n%s 删除 %s\n", m.minus, pathOf(s.A))
		default:
			if pa, pb := pathOf(s.A), pathOf(s.B); strings.Join(strings.Fields(pa), "") == strings.Join(strings.Fields(pb), "") {
				fmt.Fprintf(w, "\n%s 修改 %s\n", m.tilde, pa)
			} else {
				fmt.Fprintf(w, "\n%s 修改 %s → %s\n", m.tilde, pa, pb)
			}
		}
		for _, x := range s.Sentences {
			switch x.Op {
			case compare.Added:
				fmt.Fprintf(w, "  %s ¶%d %s\n", m.plus, x.B.Paragraph, x.B.Text)
			case compare.Removed:
				fmt.Fprintf(w, "  %s ¶%d %s\n", m.minus, x.A.Paragraph, x.A.Text)
			case compare.Changed:
				fmt.Fprintf(w, "  %s ¶%d %s\n", m.tilde, x.A.Paragraph, m.words(x.A.Words))
				fmt.Fprintf(w, "    ¶%d %s\n", x.B.Paragraph, m.words(x.B.Words))
			}
		}
	}
}

// printPlans prints the plan comparison of two work reports.
func printPlans(w io.Writer, p *compare.PlanDiff, color bool) {
	m := marksFor(color)
	changed := 0
	for _, c := range p.Carried {
		if c.Op == compare.Changed {
			changed++
		}
	}
	fmt.Fprintf(w, "\n年度部署：%d 年（%s，%d 项）对比 %d 年（%s，%d 项）\n", p.Newer.Year, p.Newer.DocID, p.Newer.Items, p.Older.Year, p.Older.DocID, p.Older.Items)
	fmt.Fprintf(w, "今年新增 %d 项，不再提及 %d 项，延续 %d 项（其中措辞有变化 %d 项）\n", len(p.New), len(p.Dropped), len(p.Carried), changed)
	fmt.Fprintf(w, "\n%s 今年新增（%d 年有、%d 年没有的事项）\n", m.plus, p.Newer.Year, p.Older.Year)
	for _, it := range p.New {
		fmt.Fprintf(w, "  %s ¶%d %s\n", m.plus, it.Paragraph, it.Text)
	}
	fmt.Fprintf(w, "\n%s 不再提及（%d 年有、%d 年没有的事项；可能已完成）\n", m.minus, p.Older.Year, p.Newer.Year)
	for _, it := range p.Dropped {
		fmt.Fprintf(w, "  %s ¶%d %s\n", m.minus, it.Paragraph, it.Text)
	}
	fmt.Fprintf(w, "\n%s 延续（两年都有的事项）\n", m.tilde)
	for _, c := range p.Carried {
		if c.Op == compare.Same {
			fmt.Fprintf(w, "  = ¶%d → ¶%d %s\n", c.Older.Paragraph, c.Newer.Paragraph, c.Newer.Text)
			continue
		}
		fmt.Fprintf(w, "  %s ¶%d %s\n", m.tilde, c.Older.Paragraph, m.words(c.OlderWords))
		fmt.Fprintf(w, "    ¶%d %s\n", c.Newer.Paragraph, m.words(c.NewerWords))
	}
}
