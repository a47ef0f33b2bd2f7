package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/search"
)

func cmdSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	asJSON := fs.Bool("json", false, "输出 JSON")
	n := fs.Int("n", search.DefaultSize, "每页结果数")
	page := fs.Int("page", 1, "页码")
	sortBy := fs.String("sort", search.SortRelevance, "排序：relevance（相关度）、date（从新到旧）或 date_asc（从旧到新）")
	mode := fs.String("mode", search.ModeDocuments, "模式：documents（文档）或 passages（段落）")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai search [--index DIR] [--json] [-n N] [--page P] [--sort relevance|date] [--mode documents|passages] QUERY...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, search.SyntaxHelp())
		fs.PrintDefaults()
	}
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		fs.Usage()
		return &exitError{Code: 2, Err: errors.New("请输入查询内容")}
	}
	req := search.Request{Query: strings.Join(words, " "), Page: *page, Size: *n, Sort: *sortBy, Mode: *mode}
	var res *search.Result
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai search"})
	if le := indexflag.Held(err); le != nil && le.Owner != nil && le.Owner.Addr != "" {
		// The index is held by a running server: ask it instead.
		fmt.Fprintf(stderr, "（索引正由服务 %s 使用，已通过该服务检索）\n", le.Owner.Addr)
		res, err = indexflag.RemoteSearch(ctx, le.Owner.Addr, req)
	} else if le != nil {
		return &exitError{Code: 1, Err: errors.New(indexflag.HeldMessage(le))}
	} else if err != nil {
		return err
	} else {
		defer idx.Close()
		res, err = search.Run(ctx, idx, req)
	}
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return &exitError{Code: 2, Err: fmt.Errorf("查询有误: %s", qe.Msg)}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	color := false
	if f, ok := stdout.(*os.File); ok {
		color = isatty.IsTerminal(f.Fd())
	}
	printResult(stdout, res, color)
	return nil
}

// printResult prints a result for reading in a terminal.
func printResult(w io.Writer, res *search.Result, color bool) {
	if res.Relaxed {
		fmt.Fprintln(w, "（没有完全匹配的文档，以下按查询中的实词排序）")
	}
	first := (res.Page-1)*res.Size + 1
	if len(res.Hits) == 0 {
		fmt.Fprintf(w, "没有找到结果（%.1f 毫秒）\n", res.TookMS)
		return
	}
	unit := "篇文档"
	if res.Mode == search.ModePassages {
		unit = "个段落"
	}
	fmt.Fprintf(w, "共 %d %s，第 %d–%d 条（%.1f 毫秒）\n\n", res.Total, unit, first, first+len(res.Hits)-1, res.TookMS)
	for i, h := range res.Hits {
		title := h.Title
		if color {
			title = "\x1b[1m" + title + "\x1b[0m"
		}
		fmt.Fprintf(w, "%d. %s\n", first+i, title)
		var meta []string
		for _, s := range []string{h.Agency, h.DocNumber, h.DocType, h.Date} {
			if s != "" {
				meta = append(meta, s)
			}
		}
		meta = append(meta, h.ID, fmt.Sprintf("%.2f", h.Score))
		fmt.Fprintf(w, "   %s\n", strings.Join(meta, " · "))
		for _, s := range h.Sections {
			path := "（正文开头）"
			if len(s.Path) > 0 {
				parts := make([]string, len(s.Path))
				for j, p := range s.Path {
					parts[j] = shorten(p, 18)
				}
				path = strings.Join(parts, " › ")
			}
			fmt.Fprintf(w, "   § %s  ¶%d\n", path, s.Paragraph)
			fmt.Fprintf(w, "     %s\n", terminalSnippet(s.Snippet, color))
		}
		fmt.Fprintln(w)
	}
}

// shorten cuts s to n characters with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// terminalSnippet turns a snippet's <mark> into bold yellow (or 【】 without
// colour) and unescapes the text.
func terminalSnippet(s string, color bool) string {
	open, close := "【", "】"
	if color {
		open, close = "\x1b[1;33m", "\x1b[0m"
	}
	s = strings.ReplaceAll(s, "<mark>", "\x00")
	s = strings.ReplaceAll(s, "</mark>", "\x01")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\x00", open)
	return strings.ReplaceAll(s, "\x01", close)
}

func cmdAnalyze(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出检索词")
	lexicon := fs.String("lexicon", os.Getenv("GONGKAI_LEXICON"), "附加词表（每行一个词；多个文件用 "+string(filepath.ListSeparator)+" 分隔）")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai analyze [--json] TEXT...\n\n显示文本经折叠（全角/繁体/标点）后的词层（分词、数字）与字层（二元组）检索词。")
		fs.PrintDefaults()
	}
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		fs.Usage()
		return &exitError{Code: 2, Err: errors.New("请输入要分析的文字")}
	}
	if err := indexflag.AddLexicons(*lexicon); err != nil {
		return err
	}
	text := strings.Join(words, " ")
	out := struct {
		Text   string           `json:"text"`
		Folded string           `json:"folded"`
		Words  []analyzer.Token `json:"words"`
		Grams  []analyzer.Token `json:"grams"`
		// Content lists the words a question is ranked by.
		Content []string `json:"content_words"`
	}{text, analyzer.FoldString(text), analyzer.Words(text), analyzer.Grams(text), analyzer.ContentWords(text)}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "原文:   %s\n折叠:   %s\n", out.Text, out.Folded)
	fmt.Fprintf(stdout, "词层:   %s\n", joinTokens(out.Words))
	fmt.Fprintf(stdout, "字层:   %s\n", joinTokens(out.Grams))
	fmt.Fprintf(stdout, "实词:   %s\n", strings.Join(out.Content, " "))
	return nil
}

// joinTokens prints tokens in position order; alternatives at one
// position are joined by '|'.
func joinTokens(toks []analyzer.Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			if toks[i-1].Position == t.Position {
				b.WriteByte('|')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.Term)
	}
	return b.String()
}
