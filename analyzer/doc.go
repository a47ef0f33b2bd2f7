// Package analyzer turns Chinese government text into search terms, the
// same way at index time and at query time.
//
// Every text is first folded (Fold): full-width and compatibility forms to
// NFKC, traditional characters to simplified with OpenCC's tables, quotes,
// brackets and dashes of every style to one form, stray private-use
// characters dropped. Folding keeps a map back to the original bytes, so
// every token carries offsets into the text as the user sees it.
//
// Two layers of terms come out of the folded text:
//
//   - Words: gse segmentation (its embedded dictionary plus the shipped
//     government lexicon, data/lexicon.txt) for Chinese text, whole
//     numbers (98.79) and numbers with their unit (98.79%, 2022年). The
//     word layer feeds ranking and question mode (ContentWords).
//   - Grams: every pair of adjacent Chinese characters, the first and last
//     character of each run, and numbers and letter runs whole, one
//     position per character. PhraseSlots turns a phrase into gram terms at
//     consecutive positions, so a quoted phrase matches exactly the texts
//     that contain it, across word boundaries (九龙 in 九龙坡区).
package analyzer
