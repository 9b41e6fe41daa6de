"""The optional LLM writer: an answer the router found, worded by the user's own OpenAI-compatible
model, and shown only when every number, citation, body and year in it checks out (guard.py).

    client.py   the endpoint (streaming chat completions; every failure a WriterError)
    prompt.py   the messages (prompts/writer.toml)
    numbers.py  numbers with units and 余/多/约 as written
    guard.py    the checks, pure
    write.py    the orchestration: written_answer / write_events → WriterOutcome
"""
from retrieval.writer.guard import GuardResult, check_draft
from retrieval.writer.write import WriterOutcome, write_events, written_answer

__all__ = ["GuardResult", "WriterOutcome", "check_draft", "write_events", "written_answer"]
