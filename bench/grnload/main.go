// Command grnload turns corpus JSONL files into a Groonga load command
// (bench/run.sh feeds it to groonga): one record per document with its
// id, title and body.
//
//	grnload CORPUS_DIR_OR_FILES... > load.grn
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	fmt.Fprintln(out, "load --table Docs")
	fmt.Fprintln(out, "[")
	first := true
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".jsonl") {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 1<<26)
			for sc.Scan() {
				var r struct {
					ID    string  `json:"id"`
					Title *string `json:"title"`
					Body  *string `json:"body"`
				}
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				rec := map[string]string{"_key": r.ID, "title": deref(r.Title), "body": deref(r.Body)}
				b, _ := json.Marshal(rec)
				if !first {
					out.WriteString(",\n")
				}
				first = false
				out.Write(b)
			}
			return sc.Err()
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "grnload:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintln(out, "\n]")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
