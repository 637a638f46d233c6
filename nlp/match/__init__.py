"""Cross-jurisdiction matching: code alignment, meaning (embeddings + lexical), parameter comparison,
and the concordance built from them. See docs/cli.md (`equivalents`, `concordance`, `classify`,
`match`)."""
