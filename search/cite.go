package search

import (
	"strconv"
	"strings"
	"time"
)

// CitationGBT returns the reference to the document in the form GB/T
// 7714-2015 gives for an online electronic resource (电子公告, [EB/OL]):
//
//	主要责任者. 题名: 其他题名信息[EB/OL]. 出版年(更新或修改日期)[引用日期]. 获取和访问路径.
//
// The agency is the creator, the document number is the other title
// information, the publication date (else the date written) is the
// update date, accessed is the citation date. The access path is the
// source URL when the document has one; otherwise it is permalink, with
// the paragraph's anchor #p-N when n > 0. Missing parts are left out
// with their punctuation, as the standard does.
func (d *Document) CitationGBT(n int, accessed time.Time, permalink string) string {
	var b strings.Builder
	if a := strings.TrimSpace(d.Agency); a != "" {
		b.WriteString(strings.TrimRight(a, ".。") + ". ")
	}
	b.WriteString(strings.TrimSpace(d.Title))
	if dn := strings.TrimSpace(d.DocNumber); dn != "" {
		b.WriteString(": " + dn)
	}
	b.WriteString("[EB/OL]. ")
	date := d.Date
	if date == "" {
		date = d.DateWritten
	}
	switch {
	case date != "":
		b.WriteString("(" + date + ")")
	case d.Year > 0:
		b.WriteString(strconv.Itoa(d.Year))
	}
	b.WriteString("[" + accessed.Format("2006-01-02") + "]")
	link := d.SourceURL
	if !strings.HasPrefix(link, "http://") && !strings.HasPrefix(link, "https://") {
		link = permalink
		if link != "" && n > 0 {
			link += "#p-" + strconv.Itoa(n)
		}
	}
	if link != "" {
		b.WriteString(". " + link)
	}
	b.WriteString(".")
	return b.String()
}
