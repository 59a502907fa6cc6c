"""Token counts add up, survive JSON, and are priced per million tokens."""

import pytest

from dataflow.executors.llm.usage import Usage, total


def test_usages_add_up():
    assert total([Usage(1, 10, 5), Usage(2, 20, 7)]) == Usage(3, 30, 12)
    assert total([]) == Usage()


def test_cost_uses_prices_per_million_tokens():
    assert Usage(1, 2_000_000, 500_000).cost(0.15, 0.60) == pytest.approx(0.60)


def test_usage_round_trips_through_json_and_tolerates_missing_fields():
    assert Usage.from_dict(Usage(4, 5, 6).to_dict()) == Usage(4, 5, 6)
    assert Usage.from_dict({"requests": 2}) == Usage(2, 0, 0) and Usage.from_dict(None) == Usage()
