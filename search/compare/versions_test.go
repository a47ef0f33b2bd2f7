package compare

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/bleve"
)

// versionsIndex indexes versions and look-alikes: regulations whose titles
// share words, work reports of several governments and years, a
// resolution about a work report.
func versionsIndex(t *testing.T) search.Index {
	t.Helper()
	ids := []string{
		"lrb-ecbaccb7f6", "lrb-6b9c8b2c12", // 上海市优化营商环境条例 2020, 2024
		"lrb-f9cfefb9b4", "lrb-a0cd672e55", // 广东省, 河南省优化营商环境条例
		"lrb-7f023e7352", "lrb-99c87fbb5c", // 立法法 2015, 2023
		"lrb-f8f91e3033", "lrb-0f27a707be", // 居民身份证法, two records
		"gwrp2025-e6348d38", "gwrp2026-e6348d38", // 重庆
		"gwrp2025-3768b32c", "gwrp2026-3768b32c", // 四川 (2026: 四川省人民政府工作报告)
		"gwrp2026-4f5a5ba7", // 云南, titled just 2026年政府工作报告
		"gwrn-1954", "gwrn-2024", "gwrn-2025",
		"gwrn-ae364b5761", // a resolution on the 2024 report
		"govcn-5346276",   // 国务院办公厅关于2019年部分节假日安排的通知
	}
	var ds []*search.Document
	for _, id := range ids {
		ds = append(ds, doc(t, id))
	}
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.Put(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestVersions(t *testing.T) {
	idx := versionsIndex(t)
	for _, c := range []struct {
		id   string
		want []string // ids, oldest first
	}{
		{"lrb-ecbaccb7f6", []string{"lrb-6b9c8b2c12"}},
		{"lrb-6b9c8b2c12", []string{"lrb-ecbaccb7f6"}},
		{"lrb-7f023e7352", []string{"lrb-99c87fbb5c"}},
		{"lrb-f8f91e3033", []string{"lrb-0f27a707be"}},
		{"gwrp2026-e6348d38", []string{"gwrp2025-e6348d38"}},
		// The titles differ (四川省政府 / 四川省人民政府); the government is the same.
		{"gwrp2026-3768b32c", []string{"gwrp2025-3768b32c"}},
		// 云南's only report: no other province's report is its version.
		{"gwrp2026-4f5a5ba7", nil},
		// The State Council's reports, by year; not the NPC resolution.
		{"gwrn-2025", []string{"gwrn-1954", "gwrn-2024"}},
		{"gwrn-1954", []string{"gwrn-2024", "gwrn-2025"}},
		{"govcn-5346276", nil},
		{"lrb-f9cfefb9b4", nil},
	} {
		vs, err := Versions(context.Background(), idx, doc(t, c.id))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.ID)
			if v.Title == "" || v.Year == 0 {
				t.Errorf("%s: version %+v lacks title or year", c.id, v)
			}
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("Versions(%s) = %v, want %v", c.id, got, c.want)
		}
	}
}

func TestTitleKey(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"上海市优化营商环境条例", "上海市优化营商环境条例（2024年修订）"},
		{"上海市优化营商环境条例", "上海市优化营商环境条例(2021修正)"},
		{"国务院办公厅关于2019年部分节假日安排的通知", "国务院办公厅关于2020年部分节假日安排的通知"},
		{"处方药与非处方药分类管理办法（试行）", "处方药与非处方药分类管理办法"},
		{"中华人民共和国慈善法修正草案", "中华人民共和国慈善法"},
	} {
		if TitleKey(c.a) != TitleKey(c.b) {
			t.Errorf("TitleKey(%q) = %q, TitleKey(%q) = %q", c.a, TitleKey(c.a), c.b, TitleKey(c.b))
		}
	}
	for _, c := range []struct{ a, b string }{
		{"上海市优化营商环境条例", "广东省优化营商环境条例"},
		{"中华人民共和国立法法", "中华人民共和国监察法"},
	} {
		if TitleKey(c.a) == TitleKey(c.b) {
			t.Errorf("%q and %q have one key", c.a, c.b)
		}
	}
}
