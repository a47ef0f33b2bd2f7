package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search/bleve"
)

// findability and latency run on an index of the test corpus.
func TestLab(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	corpus := "../../testdata/corpus/tests.jsonl"
	idx, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.Run(context.Background(), idx, []string{corpus}, indexer.Options{}); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"findability", "--index", dir, "--samples", "40", corpus}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "findability 40/40") {
		t.Errorf("findability: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"latency", "--index", dir, "--rounds", "2", "../../bench/queries.txt"}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "p99") {
		t.Errorf("latency: %s", out.String())
	}
	if err := run(context.Background(), []string{"nonsense"}, &out, &errb); err == nil {
		t.Error("an unknown command succeeded")
	}
}
