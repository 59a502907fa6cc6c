"""Provider presets for the settings form: the base URL of an OpenAI-compatible Chat Completions
API, whether it needs a key, and a model name to start from. The README says what each needs to
accept calls from a web page. Standard library only.

Sources: each provider's documentation of its OpenAI-compatible endpoint (OpenAI, Groq,
OpenRouter, Mistral, Together, DeepSeek; Ollama's `/v1`, LM Studio's local server on port 1234,
llama.cpp's `llama-server` on port 8080).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """`name` for the list; `base_url` ends before `/chat/completions`; `local` servers run on the
    user's machine (the browser may ask before a public page reaches them)."""

    name: str
    label: str
    base_url: str
    model: str
    needs_key: bool = True
    local: bool = False


PRESETS: tuple[Preset, ...] = (
    Preset("openai", "OpenAI", "https://api.openai.com/v1", "gpt-4o-mini"),
    Preset("groq", "Groq", "https://api.groq.com/openai/v1", "llama-3.1-8b-instant"),
    Preset("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "openai/gpt-4o-mini"),
    Preset("mistral", "Mistral", "https://api.mistral.ai/v1", "mistral-small-latest"),
    Preset("together", "Together AI", "https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
    Preset("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat"),
    Preset("ollama", "Ollama (this computer)", "http://localhost:11434/v1", "llama3.2", needs_key=False,
           local=True),
    Preset("lmstudio", "LM Studio (this computer)", "http://localhost:1234/v1", "local-model", needs_key=False,
           local=True),
    Preset("llamacpp", "llama.cpp server (this computer)", "http://localhost:8080/v1", "local-model",
           needs_key=False, local=True),
)


def preset_named(name: str) -> Preset | None:
    """The preset called `name`, or None (a provider typed by hand)."""
    return next((preset for preset in PRESETS if preset.name == name), None)


def preset_for(base_url: str) -> Preset | None:
    """The preset whose base URL this is (ignoring a final slash), or None."""
    wanted = base_url.rstrip("/")
    return next((preset for preset in PRESETS if preset.base_url == wanted), None)
