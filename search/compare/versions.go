package compare

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// Searcher is what Versions needs of an index: search.Index's Search.
type Searcher interface {
	Search(ctx context.Context, q *search.Query, req *search.Request) (*search.Result, error)
}

// Version is another version of a document: the same regulation in
// another revision, or the work report of the same government for another
// year.
type Version struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Agency string `json:"agency,omitempty"`
	Date   string `json:"date,omitempty"`
	// Year is the year of the version: of its date, else the year its
	// title names.
	Year int `json:"year,omitempty"`
}

var (
	// revisionRe matches the bracketed notes of a title that say which
	// revision it is: （2024年修订）, (2019修正), （试行）, （草案）.
	revisionRe = regexp.MustCompile(`[（(][^（()）]*(?:修订|修正|修改|试行|暂行|草案|征求意见稿|送审稿|[0-9]{4}年?版?)[^（()）]*[)）]`)
	// revisionWordRe matches revision words outside brackets: 修订草案,
	// 修正案 at the end of a title.
	revisionWordRe = regexp.MustCompile(`(?:修订草案|修正草案|修正案|草案)$`)
	// yearRe matches a year: 2020年, 2020.
	yearRe = regexp.MustCompile(`[0-9]{4}年?(?:度)?`)
	// leadingYearRe finds the year a title opens with.
	leadingYearRe = regexp.MustCompile(`^\s*([0-9]{4})年`)
)

// workReport is what the titles of government work reports end with.
const workReport = "政府工作报告"

// TitleKey returns what stays of a title when the marks of its version
// are taken out: years (2020年), revision notes in brackets
// (（2024年修订）, （试行）) and trailing revision words (修订草案, 修正案).
// Two documents whose titles have the same key are versions of one text.
// Work reports are keyed by government instead (see Versions).
func TitleKey(title string) string {
	t := revisionRe.ReplaceAllString(normalize(title), "")
	t = revisionWordRe.ReplaceAllString(t, "")
	t = yearRe.ReplaceAllString(t, "")
	return t
}

// isWorkReport reports whether a title names a government work report
// (not a resolution about one).
func isWorkReport(title string) bool {
	return strings.HasSuffix(normalize(title), workReport)
}

// agencyOf is a document's agency, else its title (older work reports
// name the government only there).
func agencyOf(agency, title string) string {
	if agency != "" {
		return agency
	}
	return title
}

// yearOf is the year of a date, else the year a title opens with.
func yearOf(date, title string) int {
	if len(date) >= 4 {
		if y, err := strconv.Atoi(date[:4]); err == nil {
			return y
		}
	}
	if m := leadingYearRe.FindStringSubmatch(title); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

// Versions finds the other versions of d in an index: documents whose
// titles are the same once years and revision notes are taken out
// (上海市优化营商环境条例 of 2020 and of 2024; 国务院关于2019年部分节假日
// 安排的通知 and that of 2020), and for a government work report the work
// reports of the same government (commitments.SameAgency: 2025年重庆市
// 政府工作报告 and 2026年重庆市政府工作报告, whatever else their titles
// say). They come oldest first; d itself is left out. At most
// search.MaxSize candidates are looked at.
func Versions(ctx context.Context, idx Searcher, d *search.Document) ([]Version, error) {
	report := isWorkReport(d.Title)
	f := search.Filters{}
	key := TitleKey(d.Title)
	if report {
		f.Title = []string{workReport}
		core := commitments.AgencyCore(d.Agency)
		if core == "" {
			// No agency: the government is in the title (1954年中华人民共和国
			// 国务院政府工作报告); ask for the title without its year.
			f.Title = []string{key}
		} else {
			f.Agency = []string{strings.TrimSuffix(strings.TrimSuffix(core, "市"), "省")}
		}
	} else {
		if key == "" {
			return nil, nil
		}
		f.Title = []string{key}
	}
	res, err := idx.Search(ctx, &search.Query{Filters: f}, &search.Request{Page: 1, Size: search.MaxSize, Sort: search.SortDate, Mode: search.ModeDocuments})
	if err != nil {
		return nil, err
	}
	out := []Version{}
	for _, h := range res.Hits {
		if h.ID == d.ID {
			continue
		}
		same := false
		if report {
			same = isWorkReport(h.Title) && (d.Agency == "" && TitleKey(h.Title) == key ||
				d.Agency != "" && commitments.SameAgency(agencyOf(h.Agency, h.Title), d.Agency))
		} else {
			same = TitleKey(h.Title) == key
		}
		if same {
			out = append(out, Version{ID: h.ID, Title: h.Title, Agency: h.Agency, Date: h.Date, Year: yearOf(h.Date, h.Title)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
