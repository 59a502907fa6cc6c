"""Numeric options out of range are one-line errors naming the option, before anything starts."""

import argparse
import math

import pytest

from dataflow.native.bounds import BoundsError, check_bounds, max_workers, option_names


def args(**values) -> argparse.Namespace:
    return argparse.Namespace(**values)


@pytest.mark.parametrize(("option", "value"), [
    ("workers", 99999999999999999999), ("workers", 0), ("workers", 33),
    ("page_timeout", 1e20), ("page_timeout", 0.0), ("page_timeout", math.nan),
    ("maximum_retry_after", 1e20), ("maximum_attempts", 99999999999999999999), ("maximum_attempts", 0),
    ("backoff_coefficient", math.nan), ("backoff_coefficient", 0.5), ("backoff_coefficient", 1e20),
    ("initial_interval", math.inf), ("maximum_interval", -1.0), ("heartbeat_timeout", 0.0),
    ("concurrency", 10**9),
])
def test_an_out_of_range_value_is_refused_with_the_option_the_user_typed(option, value):
    with pytest.raises(BoundsError) as raised:
        check_bounds(args(**{option: value}), cpu_count=8)
    message = str(raised.value)
    assert message.startswith("--" + option.replace("_", "-") + " must be ") and "\n" not in message
    assert "_" not in message.split(" got ")[0]


def test_a_coefficient_is_not_called_seconds():
    with pytest.raises(BoundsError, match=r"^--backoff-coefficient must be a finite number from 1 to 100, got nan"):
        check_bounds(args(backoff_coefficient=math.nan))


@pytest.mark.parametrize(("option", "value"), [
    ("workers", 1), ("workers", 32), ("page_timeout", math.inf), ("page_timeout", 0.5), ("maximum_attempts", 1000),
    ("backoff_coefficient", 1.0), ("initial_interval", 86400.0),
])
def test_values_in_range_pass(option, value):
    check_bounds(args(**{option: value}), cpu_count=8)


def test_workers_are_bounded_by_four_times_the_cores_and_at_least_eight():
    assert max_workers(1) == 8 and max_workers(2) == 8 and max_workers(16) == 64


def test_field_names_in_a_policy_message_become_options():
    message = "maximum_interval (10.0) must be at least initial_interval (20.0)"
    assert option_names(message, ("initial_interval", "maximum_interval")) == \
        "--maximum-interval (10.0) must be at least --initial-interval (20.0)"


@pytest.mark.parametrize("typed", ["-1", "-1.50", "0", "1e9"])
def test_a_refused_number_is_echoed_as_the_user_typed_it(typed):
    from dataflow.native.bounds import number

    with pytest.raises(BoundsError) as raised:
        check_bounds(args(page_timeout=number(typed)))
    assert str(raised.value).endswith(f", got {typed}.")


def test_a_checked_number_becomes_a_plain_float():
    from dataflow.native.bounds import number

    checked = args(page_timeout=number("2"))
    check_bounds(checked)
    assert type(checked.page_timeout) is float and checked.page_timeout == 2.0
