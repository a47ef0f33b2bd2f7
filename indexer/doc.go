// Package indexer turns raw inputs into search documents and keeps an
// index up to date with them.
//
//   - jsonl.go: records in the corpus JSONL schema (FromRecord).
//   - text.go: pages saved as plain text, such as the seed page (ParseText).
//   - html.go: HTML pages in UTF-8, GBK or GB18030 (DecodeHTML, ParseHTML),
//     including the gov.cn metadata table.
//   - chrome.go: page chrome that is not content (share and print bars,
//     breadcrumbs, footers).
//   - sections.go: the heading patterns of government texts (一、 （一） 1.
//     （1） 第一章 第一节 第一条) that give every section its heading path and
//     every paragraph its number.
//   - indexer.go: Run walks files and folders, skips unchanged documents
//     by content hash and writes the rest in batches.
//
// The package logs nothing; problems come back in the Summary.
package indexer
