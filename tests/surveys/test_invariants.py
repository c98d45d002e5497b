"""Hypothesis: whatever a phone sends, an answer is either stored whole and
valid for its question, or refused with InvalidInput and nothing written; and
the results count exactly the stored answers."""
from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.errors import InvalidInput
from linli.surveys import selectors
from linli.surveys import services as svc
from linli.surveys.models import Answer, Response

junk = st.one_of(st.none(), st.integers(-3, 12), st.text(max_size=5), st.booleans(),
                 st.lists(st.integers(-3, 40), max_size=5), st.dictionaries(st.text(max_size=3), st.text(max_size=2),
                                                                            max_size=3))


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_answer_is_stored_whole_and_valid_or_refused_with_nothing_written(sv, data):
    questions = list(sv.survey.questions.prefetch_related("options"))
    options = {q.pk: [o.pk for o in q.options.all()] for q in questions}
    choice = st.one_of(junk, *[st.sampled_from(ids) for ids in options.values() if ids],
                       *[st.lists(st.sampled_from(ids), max_size=4) for ids in options.values() if ids])
    # A valid answer (choosing 停车 or not, so the conditional question is shown or not), then one
    # question (or none) given whatever the strategy draws.
    q2 = data.draw(st.sampled_from([[sv.o(2, 1)], [sv.o(2, 2)], [sv.o(2, 1), sv.o(2, 3)], [sv.o(2, 2), sv.o(2, 3)]]))
    answers = sv.good(q2=q2, q3="多划车位" if sv.o(2, 1) in q2 else None)
    spoil = data.draw(st.integers(0, len(questions)))
    if spoil < len(questions):
        answers[questions[spoil].pk] = data.draw(choice)
    try:
        with transaction.atomic():
            try:
                r = svc.response_submit(survey=sv.survey, answers=answers, by=sv.person("resident"))
            except InvalidInput:
                assert (Response.objects.count(), Answer.objects.count()) == (0, 0)
                raise Rollback from None
            stored = {a.question_id: a.value for a in r.answers.all()}
            for q in questions:
                value = stored.get(q.pk)
                if value is None:
                    continue
                ids = options[q.pk]
                if q.kind == "single":
                    assert value in ids
                elif q.kind == "multiple":
                    assert set(value) <= set(ids) and 1 <= len(value) <= 2 and len(set(value)) == len(value)
                elif q.kind == "scale":
                    assert 1 <= value <= 5
                elif q.kind == "ranking":
                    assert sorted(value) == sorted(ids)
                elif q.kind == "matrix":
                    assert len(value) == 2 and set(value) <= set(ids)
                else:
                    assert isinstance(value, str) and value
            # The conditional question is stored exactly when 停车 was chosen.
            assert (sv.q(3).pk in stored) == (sv.o(2, 1) in stored[sv.q(2).pk])
            results = {i["question"].position: i for i in selectors.results(sv.survey)["questions"]}
            assert sum(c for _t, c, _p in results[1]["rows"]) == 1 == results[1]["answered"]
            raise Rollback
    except Rollback:
        pass


def test_history_is_append_only_in_the_database(sv):
    """Not only by convention: a bulk UPDATE (and on PostgreSQL a DELETE) of the
    questionnaire's history is refused by the database."""
    from django.db import DatabaseError, connection, transaction

    from linli.surveys.models import Event

    event = Event.objects.filter(survey=sv.survey).order_by("id").first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(kind="closed")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Event.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert Event.objects.get(pk=event.pk).kind == event.kind
