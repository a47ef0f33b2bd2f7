package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/search"
)

// feedEntries is how many documents a feed lists, newest first.
const feedEntries = 20

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"xml:lang,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     string         `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published,omitempty"`
	Links     []atomLink     `xml:"link"`
	Authors   []atomPerson   `xml:"author,omitempty"`
	Category  []atomCategory `xml:"category,omitempty"`
	Summary   atomText       `xml:"summary"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// feedTime is an RFC 3339 time for a document date (YYYY-MM-DD), at the
// start of that day in China; ok is false for a missing or bad date.
func feedTime(date string) (string, bool) {
	t, err := time.ParseInLocation("2006-01-02", date, chinaTime)
	if err != nil {
		return "", false
	}
	return t.Format(time.RFC3339), true
}

// serveFeed answers /feed?q=…: the newest documents matching a query as
// an Atom feed, so that a reader can follow a topic.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request) {
	body, err := s.feed(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeCacheable(w, r, "application/atom+xml; charset=utf-8", cacheFeed, body)
}

func (s *Server) feed(r *http.Request) ([]byte, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return nil, &httpError{http.StatusBadRequest, "请用 q 参数指定要订阅的查询，例如 /feed?q=放管服"}
	}
	res, err := s.runSearch(r, search.Request{Query: q, Sort: search.SortDate, Size: feedEntries})
	if err != nil {
		return nil, err
	}
	if res.Relaxed || res.Partial {
		// Documents that hold only some of the words are no match to
		// follow: the feed lists documents that match as typed.
		res.Hits = nil
	}
	base := s.baseURL(r)
	self := base + "/feed?" + url.Values{"q": {q}}.Encode()
	f := &atomFeed{
		Lang: "zh-CN", ID: self, Title: "最新文档：" + cleanText(q) + " - " + siteName,
		Subtitle: "政府信息公开文件中与检索式 " + cleanText(q) + " 匹配的最新 " + strconv.Itoa(feedEntries) + " 篇，按发布日期从新到旧",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + searchURL(q, "sort", search.SortDate)},
		},
		Author: atomPerson{Name: siteName}, Generator: "gongkai",
	}
	newest := ""
	for _, h := range res.Hits {
		link := base + docPath(h.ID) + "?" + url.Values{"q": {q}}.Encode()
		summary := ""
		if len(h.Sections) > 0 {
			sec := h.Sections[0]
			link += "#p-" + strconv.Itoa(sec.Paragraph)
			summary = plainSnippet(sec.Snippet)
			if len(sec.Path) > 0 {
				summary = strings.Join(sec.Path, " › ") + "：" + summary
			}
		}
		e := atomEntry{ID: base + docPath(h.ID), Title: cleanText(h.Title),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Summary: atomText{Type: "text", Text: cleanText(summary)}}
		if t, ok := feedTime(h.Date); ok {
			e.Updated, e.Published = t, t
			newest = max(newest, t)
		}
		if h.Agency != "" {
			e.Authors = []atomPerson{{Name: cleanText(h.Agency)}}
		}
		if h.DocType != "" {
			e.Category = []atomCategory{{Term: cleanText(h.DocType)}}
		}
		if isWebURL(h.URL) {
			e.Links = append(e.Links, atomLink{Rel: "via", Type: "text/html", Href: h.URL})
		}
		f.Entries = append(f.Entries, e)
	}
	// A document without a date takes the feed's time: it is new to the
	// feed, and Atom needs a time on every entry.
	if newest == "" {
		now := s.now().In(chinaTime)
		newest = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, chinaTime).Format(time.RFC3339)
	}
	f.Updated = newest
	for i := range f.Entries {
		if f.Entries[i].Updated == "" {
			f.Entries[i].Updated = newest
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return stripControls(buf.Bytes()), nil
}
