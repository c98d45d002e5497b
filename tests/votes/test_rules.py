"""The art. 278 rule at its boundaries (property tests): exact fractions, areas in
hundredths of m², "以上" includes the boundary, "过半数" is strictly more."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.deliberation.votes import rules
from linli.deliberation.votes.rules import ABSTAIN, DEVELOPER, NO, YES, Tally, decide, owners_of, tally

areas = st.integers(min_value=1, max_value=10**7)  # 0.01 m² … 100,000 m²


@given(st.lists(areas, min_size=1, max_size=30))
def test_exactly_two_thirds_is_valid_one_hundredth_less_is_not(blocks):
    # Owners in triples of equal area: two of each triple take part, so exactly 2/3 of area and owners.
    owners = {f"o{i}-{j}": a for i, a in enumerate(blocks) for j in range(3)}
    choices = {f"o{i}-{j}": YES for i in range(len(blocks)) for j in range(2)}
    t = tally(owners, choices)
    assert t.part_area * 3 == t.total_area * 2 and t.part_owners * 3 == t.total_owners * 2
    assert decide(t, major=False).valid
    assert decide(t, major=False).area_participation == Fraction(2, 3)
    # Move one hundredth of a m² from a participant to a non-participant: same total, 2/3 minus 0.01 m².
    shifted = Tally(total_area=t.total_area, total_owners=t.total_owners, yes_area=t.yes_area - 1,
                    yes_owners=t.yes_owners)
    assert not decide(shifted, major=False).valid
    assert not decide(shifted, major=False).passed


@given(st.lists(areas, min_size=1, max_size=30))
def test_area_and_headcount_must_both_reach_two_thirds(blocks):
    owners = {f"o{i}-{j}": a for i, a in enumerate(blocks) for j in range(3)}
    ok = tally(owners, {f"o{i}-{j}": YES for i in range(len(blocks)) for j in range(2)})
    one_owner_less = Tally(total_area=ok.total_area, total_owners=ok.total_owners + 1, yes_area=ok.yes_area + 0,
                           yes_owners=ok.yes_owners)  # one more owner (area 0 added to no one) → headcount below 2/3
    assert not decide(one_owner_less, major=False).valid
    area_less = Tally(total_area=ok.total_area + 1, total_owners=ok.total_owners, yes_area=ok.yes_area,
                      yes_owners=ok.yes_owners)
    assert not decide(area_less, major=False).valid


@given(st.lists(areas, min_size=1, max_size=30))
def test_exactly_half_yes_fails_an_ordinary_matter(pairs):
    # Every pair of equal area: one yes, one no → exactly 1/2 of area and of owners.
    owners = {f"o{i}-{j}": a for i, a in enumerate(pairs) for j in range(2)}
    choices = {f"o{i}-0": YES for i in range(len(pairs))} | {f"o{i}-1": NO for i in range(len(pairs))}
    t = tally(owners, choices)
    out = decide(t, major=False)
    assert out.valid and out.yes_area_share == Fraction(1, 2) and out.yes_owner_share == Fraction(1, 2)
    assert not out.passed
    # One more owner voting yes (any area) makes both strictly more than half.
    owners2 = owners | {"extra": 1}
    assert decide(tally(owners2, choices | {"extra": YES}), major=False).passed


@given(st.lists(areas, min_size=1, max_size=20))
def test_exactly_three_quarters_passes_a_major_matter(quads):
    owners = {f"o{i}-{j}": a for i, a in enumerate(quads) for j in range(4)}
    choices = {f"o{i}-{j}": YES for i in range(len(quads)) for j in range(3)}
    choices |= {f"o{i}-3": NO for i in range(len(quads))}
    t = tally(owners, choices)
    out = decide(t, major=True)
    assert out.yes_area_share == Fraction(3, 4) and out.yes_owner_share == Fraction(3, 4)
    assert out.valid and out.passed
    # 0.01 m² less yes area (moved to "no"): not passed.
    less = Tally(total_area=t.total_area, total_owners=t.total_owners, yes_area=t.yes_area - 1,
                 yes_owners=t.yes_owners, no_area=t.no_area + 1, no_owners=t.no_owners)
    assert not decide(less, major=True).passed


@given(st.integers(min_value=3, max_value=50), areas)
def test_area_and_headcount_must_both_hold_to_pass(n, big):
    # One big owner votes yes, n small owners vote no: the yes area is over 3/4 but yes owners are few.
    owners = {"big": big * 10**3 + 1} | {f"s{i}": 1 for i in range(n)}
    t = tally(owners, {"big": YES} | {f"s{i}": NO for i in range(n)})
    assert t.yes_area * 4 >= t.part_area * 3
    assert not decide(t, major=True).passed and not decide(t, major=False).passed
    # And the other way round: many small owners yes, the big one no.
    t2 = tally(owners, {"big": NO} | {f"s{i}": YES for i in range(n)})
    assert t2.yes_owners * 2 > t2.part_owners
    assert not decide(t2, major=False).passed


def test_abstention_takes_part_but_is_not_yes():
    owners = {"a": 100, "b": 100, "c": 100}
    t = tally(owners, {"a": YES, "b": ABSTAIN})
    out = decide(t, major=False)
    assert out.valid and out.owner_participation == Fraction(2, 3)
    assert out.yes_owner_share == Fraction(1, 2) and not out.passed


@given(st.lists(st.tuples(st.sampled_from(["p:1", "p:2", "n:张三", DEVELOPER, "h:9"]), areas), min_size=1,
                max_size=40))
def test_a_multi_unit_owner_and_the_developer_count_once(rows):
    owners = owners_of(rows)
    assert len(owners) == len({k for k, _a in rows})
    assert sum(owners.values()) == sum(a for _k, a in rows)
    for key in owners:
        assert owners[key] == sum(a for k, a in rows if k == key)
    # Whatever number of units the developer (or one buyer) holds, one ballot counts once.
    t = tally(owners, dict.fromkeys(owners, YES))
    assert t.part_owners == len(owners)


def test_three_developer_units_and_a_two_unit_buyer():
    rows = [(DEVELOPER, 9000), (DEVELOPER, 8000), (DEVELOPER, 7000), ("p:1", 10000), ("p:1", 5000), ("p:2", 12000)]
    assert owners_of(rows) == {DEVELOPER: 24000, "p:1": 15000, "p:2": 12000}


def test_nothing_counts_without_an_electorate_and_bad_rows_are_refused():
    assert not decide(Tally(total_area=0, total_owners=0), major=False).valid
    with pytest.raises(ValueError):
        owners_of([("p:1", 0)])
    with pytest.raises(ValueError):
        tally({"a": 1}, {"b": YES})


def test_display_helpers_are_exact():
    assert rules.m2(8850) == "88.50" and rules.m2(5) == "0.05"
    assert rules.percent(Fraction(2, 3)) == "66.67%" and rules.percent(Fraction(1, 2)) == "50.00%"
