"""The vote rule of Civil Code art. 278 (and the SPC interpretation on building
divided ownership), as one pure module: the result sheet, the services and the
tests all use it.

Everything is integers: areas are hundredths of a square metre (``area_cents``),
headcounts are owners. Shares are ``Fraction``; comparisons are
cross-multiplications, never floats.

- The electorate: one unit (household) belongs to one owner; an owner of several
  units counts once with the sum of their areas; the developer's unsold units are
  one owner (the key ``DEVELOPER``). ``owners_of`` does the grouping.
- Valid ("参与表决"): participating area ≥ 2/3 of the total area AND participating
  owners ≥ 2/3 of all owners ("三分之二以上": the boundary is included).
- Passed: for the major matters (raise maintenance funds, rebuild, change the use of
  common parts) yes ≥ 3/4 of the participating area AND of the participating owners
  ("四分之三以上"); for the others yes > 1/2 of both ("过半数": strictly more).
  Abstaining owners participate but do not count as yes.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

DEVELOPER = "dev"
YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)

VALID_SHARE = Fraction(2, 3)  # 以上: at least
MAJOR_SHARE = Fraction(3, 4)  # 以上: at least
ORDINARY_SHARE = Fraction(1, 2)  # 过半数: strictly more


def owners_of(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(owner key, area in hundredths of m²) per household → area per owner.
    Each distinct key is one owner, whatever number of units it holds."""
    owners: dict[str, int] = {}
    for key, area in rows:
        if not key or area <= 0:
            raise ValueError("every household has an owner key and a positive area")
        owners[key] = owners.get(key, 0) + area
    return owners


@dataclass(frozen=True)
class Tally:
    total_area: int
    total_owners: int
    yes_area: int = 0
    yes_owners: int = 0
    no_area: int = 0
    no_owners: int = 0
    abstain_area: int = 0
    abstain_owners: int = 0

    @property
    def part_area(self) -> int:
        return self.yes_area + self.no_area + self.abstain_area

    @property
    def part_owners(self) -> int:
        return self.yes_owners + self.no_owners + self.abstain_owners


def tally(owners: Mapping[str, int], choices: Mapping[str, str]) -> Tally:
    """Count the choices of owners (owner key → yes/no/abstain) over the electorate."""
    counts = {c: [0, 0] for c in CHOICES}
    for key, choice in choices.items():
        if key not in owners:
            raise ValueError(f"{key!r} is not in the electorate")
        if choice not in counts:
            raise ValueError(f"unknown choice {choice!r}")
        counts[choice][0] += owners[key]
        counts[choice][1] += 1
    return Tally(total_area=sum(owners.values()), total_owners=len(owners),
                 yes_area=counts[YES][0], yes_owners=counts[YES][1],
                 no_area=counts[NO][0], no_owners=counts[NO][1],
                 abstain_area=counts[ABSTAIN][0], abstain_owners=counts[ABSTAIN][1])


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


@dataclass(frozen=True)
class Outcome:
    valid: bool
    passed: bool
    major: bool
    area_participation: Fraction
    owner_participation: Fraction
    yes_area_share: Fraction
    yes_owner_share: Fraction
    pass_share: Fraction  # 3/4 (at least) or 1/2 (strictly more)


def at_least(part: int, whole: int, share: Fraction) -> bool:
    """part/whole ≥ share, by cross-multiplication (whole > 0)."""
    return whole > 0 and part * share.denominator >= whole * share.numerator


def more_than(part: int, whole: int, share: Fraction) -> bool:
    """part/whole > share, by cross-multiplication (whole > 0)."""
    return whole > 0 and part * share.denominator > whole * share.numerator


def decide(t: Tally, *, major: bool) -> Outcome:
    valid = at_least(t.part_area, t.total_area, VALID_SHARE) and at_least(t.part_owners, t.total_owners, VALID_SHARE)
    if major:
        carried = at_least(t.yes_area, t.part_area, MAJOR_SHARE) and at_least(t.yes_owners, t.part_owners, MAJOR_SHARE)
    else:
        carried = (more_than(t.yes_area, t.part_area, ORDINARY_SHARE)
                   and more_than(t.yes_owners, t.part_owners, ORDINARY_SHARE))
    return Outcome(
        valid=valid, passed=valid and carried, major=major,
        area_participation=_share(t.part_area, t.total_area),
        owner_participation=_share(t.part_owners, t.total_owners),
        yes_area_share=_share(t.yes_area, t.part_area), yes_owner_share=_share(t.yes_owners, t.part_owners),
        pass_share=MAJOR_SHARE if major else ORDINARY_SHARE,
    )


def m2(area_cents: int) -> str:
    """12345 → "123.45" (for display; no float on the way)."""
    sign = "-" if area_cents < 0 else ""
    a = abs(area_cents)
    return f"{sign}{a // 100}.{a % 100:02d}"


def percent(share: Fraction, places: int = 2) -> str:
    """A share shown as a percentage, rounded half up at ``places`` decimals (display only)."""
    scale = 10 ** places
    n = share * 100 * scale
    whole = (n.numerator * 2 + n.denominator) // (2 * n.denominator)
    return f"{whole // scale}.{whole % scale:0{places}d}%"
