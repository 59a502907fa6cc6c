"""Provider presets: each is a valid provider setting; local servers need no key; lookups by name and URL."""

import pytest

from dataflow.executors.llm.options import LlmOptions
from dataflow.executors.llm.presets import PRESETS, preset_for, preset_named


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_makes_valid_options(preset):
    options = LlmOptions(base_url=preset.base_url, model=preset.model, needs_key=preset.needs_key)
    assert options.endpoint == preset.base_url + "/chat/completions"


def test_local_servers_need_no_key_and_hosted_ones_do():
    assert {p.name for p in PRESETS if p.local} == {"ollama", "lmstudio", "llamacpp"}
    assert all(p.needs_key != p.local for p in PRESETS)


def test_presets_are_found_by_name_and_by_base_url():
    assert preset_named("ollama").base_url == "http://localhost:11434/v1"
    assert preset_for("https://api.openai.com/v1/").name == "openai"
    assert preset_named("nope") is None and preset_for("https://example.org/v1") is None
