package targets

import (
	"context"
	"errors"
	"strings"

	"github.com/gongkai/gongkai/search"
	"github.com/gongkai/gongkai/search/commitments"
)

// Judge returns the commitments tracker's judge of quantitative
// commitments: a commitment that states one of the numeric targets this
// tracker reads (same plan, same paragraph, its sentence within the
// commitment) is decided by the result the reviews give for that
// indicator — 有回应 with the target, the result and 达成 or 未达成 as the
// reason, the result's paragraph first among the follow-ups. Without a
// comparable result the commitment keeps the status its words give.
func (t *Tracker) Judge() commitments.QuantitativeJudge {
	return func(ctx context.Context, c commitments.Commitment, reviews []*search.Document) (commitments.Verdict, bool, error) {
		d, err := t.index.Document(ctx, c.DocID)
		if errors.Is(err, search.ErrNotFound) {
			return commitments.Verdict{}, false, nil
		}
		if err != nil {
			return commitments.Verdict{}, false, err
		}
		var tg *Target
		for _, x := range t.table.Targets(d, c.Year) {
			if x.Source.Paragraph == c.Paragraph && (strings.Contains(c.Text, x.Phrase) || strings.Contains(x.Source.Sentence, c.Text) ||
				strings.Contains(c.Text, x.Source.Sentence)) {
				x := x
				tg = &x
				break
			}
		}
		if tg == nil {
			return commitments.Verdict{}, false, nil
		}
		for _, r := range reviews {
			for _, a := range t.table.Actuals(r, c.Year) {
				if a.Indicator != tg.Indicator {
					continue
				}
				a := a
				tg.Actual = &a
				Judge(tg, t.tol)
				if tg.Status == NotCompared {
					return commitments.Verdict{}, false, nil
				}
				return commitments.Verdict{
					Status: commitments.Answered,
					Reason: "目标“" + tg.Phrase + "”，实际“" + a.Phrase + "”（" + tg.Status + "）：" + tg.Reason,
					FollowUp: &commitments.FollowUp{DocID: a.Source.DocID, DocTitle: a.Source.DocTitle, Date: a.Source.Date,
						Paragraph: a.Source.Paragraph, Path: a.Source.Path, Score: 1, Snippet: markPhrase(a.Source.Sentence, a.Phrase)},
				}, true, nil
			}
		}
		return commitments.Verdict{}, false, nil
	}
}

// markPhrase returns sentence HTML-escaped with phrase in <mark>.
func markPhrase(sentence, phrase string) string {
	i := strings.Index(sentence, phrase)
	if phrase == "" || i < 0 {
		return esc(sentence)
	}
	return esc(sentence[:i]) + "<mark>" + esc(phrase) + "</mark>" + esc(sentence[i+len(phrase):])
}
