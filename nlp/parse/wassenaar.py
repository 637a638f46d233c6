"""Wassenaar Arrangement lists: per-category legacy Word files (2015-2021) or one PDF (2025).

The two layouts differ so much that each has its own parser; this module only picks one.
"""

from __future__ import annotations

from exportwatch.errors import ParseError
from nlp.model import ParsedDocument
from nlp.parse import Bundle


def parse(bundle: Bundle) -> ParsedDocument:
    if not bundle.files:
        raise ParseError(f"{bundle.source_id}: no files fetched")
    pdfs = [f for f in bundle.files if f.content.startswith(b"%PDF-")]
    if pdfs and len(pdfs) == len(bundle.files):
        from nlp.parse import wassenaar_pdf

        return wassenaar_pdf.parse(bundle)
    if pdfs:
        raise ParseError(f"{bundle.source_id}: a bundle mixes PDF and Word files; fetch one edition")
    from nlp.parse import wassenaar_doc

    return wassenaar_doc.parse(bundle)
