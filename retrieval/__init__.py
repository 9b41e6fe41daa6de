"""Question answering: scope (which reports) → route (table facts | hybrid text search | none) → Answer."""
