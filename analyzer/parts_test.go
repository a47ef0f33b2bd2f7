package analyzer

import (
	"reflect"
	"testing"
)

func TestParts(t *testing.T) {
	for word, want := range map[string][]string{
		"拖欠工资":  {"拖欠", "工资"},
		"工资":    nil,
		"营商环境":  {"营商", "环境"},
		"放管服":   nil,
		"2022年": nil,
	} {
		got := Parts(word)
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("Parts(%s) = %v, lacks %s", word, got, w)
			}
		}
		if want == nil && got != nil {
			t.Errorf("Parts(%s) = %v, want none", word, got)
		}
	}
	if got := Parts("拖欠工资"); reflect.DeepEqual(got, []string{}) {
		t.Error("empty")
	}
}
