package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gongkai/gongkai/cmd/internal/cli"
	"github.com/gongkai/gongkai/cmd/internal/indexflag"
	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/eval"
)

// cmdEval measures ranking on a relevance benchmark.
func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ix := indexflag.Add(fs)
	queries := fs.String("queries", "", "queries (JSONL: id, text, split)")
	qrels := fs.String("qrels", "", "relevance judgments (TREC qrels)")
	split := fs.String("split", "dev", "split to evaluate (dev, train, or all)")
	k := fs.Int("k", 100, "results per query (at most 100)")
	label := fs.String("label", "gongkai", "name of the run in the table")
	asJSON := fs.Bool("json", false, "print only the JSON")
	ranking := fs.String("ranking", "", `question ranking weights to try, as JSON over search.DefaultRanking (e.g. {"PartWeight":0.3}); tune on train only`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab eval --index DIR --queries FILE --qrels FILE [--split dev] [-k 100]\n\n用检索服务本身的查询路径逐条检索基准问题，输出 R@10、R@20、R@100、Hit@10、MRR@10、nDCG@10（JSON 和表格）。")
		fs.PrintDefaults()
	}
	if _, err := cli.ParseArgs(fs, args); err != nil {
		return err
	}
	if *queries == "" || *qrels == "" {
		fs.Usage()
		return &cli.ExitError{Code: 2, Err: errors.New("--queries and --qrels are required")}
	}
	qs, err := eval.ReadQueries(*queries)
	if err != nil {
		return err
	}
	qr, err := eval.ReadQrels(*qrels)
	if err != nil {
		return err
	}
	r := search.DefaultRanking()
	if *ranking != "" {
		if err := json.Unmarshal([]byte(*ranking), &r); err != nil {
			return &cli.ExitError{Code: 2, Err: fmt.Errorf("--ranking: %w", err)}
		}
	}
	idx, err := ix.Open(ctx, indexflag.Options{Command: "gongkai-lab", Core: search.Options{Ranking: &r}})
	if err != nil {
		return err
	}
	defer idx.Close()
	s := *split
	if s == "all" {
		s = ""
	}
	m, err := eval.Run(ctx, idx, qs, qr, eval.Options{Split: s, K: *k})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Fprintln(stdout)
		eval.WriteTable(stdout, *label+" ("+*split+")", m)
	}
	return nil
}

// cmdConvertSTARD converts STARD's corpus into the corpus JSONL schema.
func cmdConvertSTARD(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("convert-stard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	textOnly := fs.Bool("text-only", false, "title is the bare id: rank on article text alone, as the published baseline")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab convert-stard [--text-only] STARD_CORPUS.jsonl OUT.jsonl\n\n把 STARD 法条语料转换为 gongkai 的语料格式：标题为“法律全称 第X条”，正文为条文。")
		fs.PrintDefaults()
	}
	files, err := cli.ParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 2 {
		fs.Usage()
		return &cli.ExitError{Code: 2, Err: errors.New("name the STARD corpus and the output file")}
	}
	in, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(files[1])
	if err != nil {
		return err
	}
	n, err := eval.ConvertSTARD(in, out, *textOnly)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d articles → %s\n", n, files[1])
	return nil
}

// cmdLearnExpansions learns term associations from a benchmark's train
// split and writes them in the expansion format.
func cmdLearnExpansions(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn-expansions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	queries := fs.String("queries", "", "queries (JSONL: id, text, split)")
	qrels := fs.String("qrels", "", "relevance judgments of the split (TREC qrels)")
	corpus := fs.String("corpus", "", "STARD corpus.jsonl (article texts)")
	split := fs.String("split", "train", "split to learn from")
	minPair := fs.Int("min-pair", 2, "questions that must support an association")
	topK := fs.Int("top", 5, "associations kept per question word")
	out := fs.String("out", "analyzer/data/associations.txt", "output file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "用法: gongkai-lab learn-expansions --queries F --qrels F --corpus STARD_CORPUS [--split train] [--out FILE]\n\n从训练集问题与其相关法条中学习“问题用词 → 法条用词”的关联，写成查询扩展表。")
		fs.PrintDefaults()
	}
	if _, err := cli.ParseArgs(fs, args); err != nil {
		return err
	}
	if *queries == "" || *qrels == "" || *corpus == "" {
		fs.Usage()
		return &cli.ExitError{Code: 2, Err: errors.New("--queries, --qrels and --corpus are required")}
	}
	qs, err := eval.ReadQueries(*queries)
	if err != nil {
		return err
	}
	var learn []eval.Query
	for _, q := range qs {
		if q.Split == *split {
			learn = append(learn, q)
		}
	}
	qr, err := eval.ReadQrels(*qrels)
	if err != nil {
		return err
	}
	f, err := os.Open(*corpus)
	if err != nil {
		return err
	}
	docs, err := eval.ReadSTARDTexts(f)
	f.Close()
	if err != nil {
		return err
	}
	table := eval.LearnAssociations(learn, qr, docs, eval.AssocOptions{MinPair: *minPair, TopK: *topK})
	w, err := os.Create(*out)
	if err != nil {
		return err
	}
	header := fmt.Sprintf(`Term associations learned from the STARD %s split (%d questions) and the
law articles judged relevant to them; see docs/quality.md. Generated by:
gongkai-lab learn-expansions --split %s --min-pair %d --top %d (do not edit by hand)`, *split, len(learn), *split, *minPair, *topK)
	if err := eval.WriteExpansions(w, header, table); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d question words with associations → %s\n", len(table), *out)
	return nil
}
