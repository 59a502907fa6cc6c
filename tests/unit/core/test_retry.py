"""RetryPolicy: Temporal's defaults, validation with clear messages, a pinned table of delays."""

import dataclasses

import pytest

from dataflow.core.retry import RetryPolicy


def test_defaults_are_temporal_like_with_three_retries():
    policy = RetryPolicy()
    assert (policy.initial_interval, policy.backoff_coefficient, policy.maximum_interval) == (1.0, 2.0, 30.0)
    assert policy.maximum_attempts == 4 and policy.max_retries == 3
    assert policy.jitter is True


def test_policy_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RetryPolicy().maximum_attempts = 9


@pytest.mark.parametrize(("retry", "expected"), [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0),
                                                 (6, 30.0), (7, 30.0), (100, 30.0), (10_000, 30.0)])
def test_delay_doubles_and_is_capped_at_maximum_interval(retry, expected):
    assert RetryPolicy(jitter=False).delay_for(retry) == expected


@pytest.mark.parametrize(("retry", "expected"), [(1, 0.5), (2, 1.5), (3, 4.5), (4, 10.0)])
def test_custom_coefficient_and_cap(retry, expected):
    policy = RetryPolicy(initial_interval=0.5, backoff_coefficient=3, maximum_interval=10, jitter=False)
    assert policy.delay_for(retry) == expected


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.999])
@pytest.mark.parametrize("retry", [1, 3, 8])
def test_full_jitter_draws_between_zero_and_the_capped_delay(draw, retry):
    policy = RetryPolicy()
    delay = policy.delay_for(retry, rng=lambda: draw)
    assert delay == pytest.approx(draw * policy.ceiling_for(retry))
    assert 0 <= delay <= policy.maximum_interval


def test_retry_numbers_start_at_one():
    with pytest.raises(ValueError, match="start at 1"):
        RetryPolicy().delay_for(0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"initial_interval": 0}, "initial_interval must be positive"),
    ({"backoff_coefficient": 0.5}, "backoff_coefficient must be at least 1"),
    ({"initial_interval": 5, "maximum_interval": 1}, "maximum_interval .* must be at least initial_interval"),
    ({"maximum_attempts": 0}, "maximum_attempts must be at least 1"),
    ({"maximum_attempts": 2.5}, "maximum_attempts must be a whole number"),
    ({"maximum_attempts": True}, "maximum_attempts must be a whole number"),
])
def test_invalid_policies_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**kwargs)


def test_non_retryable_error_types_by_name():
    policy = RetryPolicy(non_retryable_error_types=["ValueError"])
    assert policy.non_retryable_error_types == ("ValueError",)
    assert not policy.is_retryable("ValueError") and policy.is_retryable("OSError")


def test_round_trips_through_dict_and_ignores_unknown_fields():
    policy = RetryPolicy(initial_interval=2, maximum_attempts=7, non_retryable_error_types=("X",))
    assert RetryPolicy.from_dict(policy.to_dict()) == policy
    assert RetryPolicy.from_dict({**policy.to_dict(), "future_field": 1}) == policy
    assert RetryPolicy.from_dict(None) == RetryPolicy()


def test_a_policy_read_again_is_the_same_object_and_a_bool_is_not_taken_for_a_number():
    stored = RetryPolicy(initial_interval=2.0, maximum_interval=30.0).to_dict()
    assert RetryPolicy.from_dict(stored) is RetryPolicy.from_dict(dict(stored))
    assert RetryPolicy.from_dict({"maximum_attempts": 1}).maximum_attempts == 1
    with pytest.raises(ValueError, match="whole number"):
        RetryPolicy.from_dict({"maximum_attempts": True})
    with pytest.raises(TypeError):  # an unhashable value is left to the constructor's checks
        RetryPolicy.from_dict({"initial_interval": [1.0]})
