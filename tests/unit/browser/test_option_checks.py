"""OptionChecks: a kind's option checks asked off the main thread (a fake worker answers when told):
an answer refuses only the value the form still holds, each value is asked once and its answer kept,
and a check that cannot answer is only warned about."""

import asyncio
from dataclasses import asdict, dataclass

from dataflow.browser.option_checks import OptionChecks
from dataflow.core.plugin import OptionCheck
from tests.unit.fakes import AnsweringWorker


@dataclass(frozen=True)
class Words:
    """A kind's options: `motto` is checked off the main thread."""

    motto: str | None = None
    level: int = 1

    def to_dict(self):
        return asdict(self)


def make(applies=None, **options):
    worker, refused, warnings = AnsweringWorker(), [], []
    checks = OptionChecks({"words": [OptionCheck("motto", worker.problem, applies)]},
                          refuse=lambda *refusal: refused.append(refusal), warn=warnings.append, **options)
    return checks, worker, refused, warnings


async def ask(checks, options):
    checks.ask("words", options)
    await asyncio.sleep(0)  # the question reaches the worker


async def test_an_answer_refusing_the_value_the_form_holds_refuses_that_field():
    checks, worker, refused, warnings = make()
    await ask(checks, Words(motto="bad"))
    assert worker.asked == ["bad"] and refused == []
    await worker.answer("bad", "Motto: bad is bad.")
    assert refused == [("words", "motto", "Motto: bad is bad.")] and warnings == []


async def test_only_the_answer_about_the_latest_value_counts():
    checks, worker, refused, _ = make()
    await ask(checks, Words(motto="bad"))
    checks.drop("words")  # the user typed on
    await ask(checks, Words(motto="good"))
    await worker.answer("good", "")
    await worker.answer("bad", "Motto: bad is bad.")  # late, about a value the form no longer holds
    assert refused == []
    assert checks.known("words", Words(motto="bad")) == ("motto", "Motto: bad is bad.")  # kept for that value
    assert checks.known("words", Words(motto="good")) is None


async def test_an_answer_on_its_way_when_the_form_was_rewritten_refuses_nothing():
    checks, worker, refused, _ = make()
    await ask(checks, Words(motto="bad"))
    checks.drop("words")
    await worker.answer("bad", "Motto: bad is bad.")
    assert refused == []


async def test_a_value_typed_again_while_its_question_is_on_its_way_is_not_asked_twice_and_its_answer_counts():
    checks, worker, refused, _ = make()
    await ask(checks, Words(motto="bad"))
    checks.drop("words")
    await ask(checks, Words(motto="good"))
    checks.drop("words")
    await ask(checks, Words(motto="bad"))
    assert worker.asked == ["bad", "good"]
    await worker.answer("good", "")
    await worker.answer("bad", "Motto: bad is bad.")
    assert refused == [("words", "motto", "Motto: bad is bad.")]


async def test_a_value_answered_already_is_not_asked_again_and_an_empty_one_never():
    checks, worker, refused, _ = make()
    await ask(checks, Words(motto="bad"))
    await worker.answer("bad", "Motto: bad is bad.")
    await ask(checks, Words(motto="bad", level=2))
    await ask(checks, Words(motto=None))
    assert worker.asked == ["bad"] and len(refused) == 1
    assert checks.known("words", Words(motto="bad", level=2)) == ("motto", "Motto: bad is bad.")


async def test_a_check_that_cannot_answer_is_only_warned_about_and_asked_again_next_time():
    checks, worker, refused, warnings = make()
    await ask(checks, Words(motto="bad"))
    await worker.fail("bad", RuntimeError("the worker did not start"))
    assert refused == [] and checks.known("words", Words(motto="bad")) is None
    assert warnings == ["The words option motto could not be checked beside the page: "
                        "RuntimeError('the worker did not start')"]
    await ask(checks, Words(motto="bad"))
    assert worker.asked == ["bad", "bad"]


async def test_answers_kept_are_bounded_the_oldest_going_first():
    checks, worker, _, _ = make(keep=2)
    for value in ("a", "b", "c"):
        await ask(checks, Words(motto=value))
        await worker.answer(value, f"{value} is refused")
    assert [checks.known("words", Words(motto=value)) is None for value in ("a", "b", "c")] == [True, False, False]


async def test_a_kind_without_checks_is_never_asked_about():
    checks, worker, refused, _ = make()
    checks.ask("other", Words(motto="bad"))
    await asyncio.sleep(0)
    assert worker.asked == [] and checks.known("other", Words(motto="bad")) is None


async def test_a_field_that_does_not_count_for_the_options_is_neither_asked_about_nor_refuses():
    checks, worker, refused, _ = make(applies=lambda values: values["level"] == 1)
    await ask(checks, Words(motto="bad"))
    await worker.answer("bad", "Motto: bad is bad.")
    await ask(checks, Words(motto="worse", level=2))  # another operation, say, which leaves the motto aside
    assert worker.asked == ["bad"] and len(refused) == 1
    assert checks.known("words", Words(motto="bad", level=2)) is None
    assert checks.known("words", Words(motto="bad")) == ("motto", "Motto: bad is bad.")
