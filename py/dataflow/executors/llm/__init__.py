"""LLM enrichment: records or text chunks sent to an OpenAI-compatible Chat Completions API, with
per-record retries, a shared rate limit, durable answers and a summary. Executors ring: standard
library only, never the browser (the page supplies an HTTP transport built on fetch)."""
