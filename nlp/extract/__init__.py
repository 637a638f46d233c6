"""Extraction from entry text: technical parameters, cross-references, code mentions and the
defined terms an entry uses. See nlp/extract/model.py for the data passed on."""
