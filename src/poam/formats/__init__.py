"""File formats: each folder reads and writes one family of documents to and from the core model."""
