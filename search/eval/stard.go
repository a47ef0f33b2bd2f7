package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// stardArticle is a line of STARD's corpus.jsonl.
type stardArticle struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Law      string `json:"law"`
	LawTitle string `json:"law_title"`
	Article  string `json:"article"`
	Category string `json:"category"`
	Text     string `json:"text"`
}

// record is the corpus schema (see indexer.Record) for a converted article.
type record struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Category string `json:"category,omitempty"`
	DocType  string `json:"doc_type,omitempty"`
	Source   string `json:"source"`
	Body     string `json:"body"`
}

// ConvertSTARD turns STARD's corpus (one law article per line) into the
// corpus JSONL schema: the title is the law's full title and the article
// (中华人民共和国劳动法 第四十四条) and the body the article text. With
// textOnly the title is the bare id, so that ranking sees the article text
// alone, as the published BM25 baseline did. It returns the number of
// articles written.
func ConvertSTARD(r io.Reader, w io.Writer, textOnly bool) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n, line := 0, 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var a stardArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return n, fmt.Errorf("line %d: %w", line, err)
		}
		if a.ID == "" {
			return n, fmt.Errorf("line %d: article without id", line)
		}
		title := strings.TrimSpace(a.LawTitle + " " + a.Article)
		if textOnly {
			title = a.ID
		}
		if err := enc.Encode(record{ID: a.ID, Title: title, Category: a.Category, DocType: "法律条文", Source: "stard", Body: a.Text}); err != nil {
			return n, err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// ReadSTARDTexts reads the article texts of STARD's corpus by id.
func ReadSTARDTexts(r io.Reader) (map[string]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	out := map[string]string{}
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var a stardArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out[a.ID] = a.Text
	}
	return out, sc.Err()
}
