"""Ingestion: file → parsed report (text, sections, chunks, facts, findings) → stores."""
