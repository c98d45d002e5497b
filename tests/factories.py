"""A small world of places and people for tests, built through the services.

    district D1
      street S1
        community C1: grid C1-G (micro-grids C1-M1, C1-M2)
          compound X (building X-B1 > unit X-B1-U1 > households X-101, X-102; building X-B2 > X-B2-U1 > X-201)
          compound Y (Y-B1 > Y-B1-U1 > Y-101)
        community C2: grid C2-G (C2-M1)
          compound Z (Z-B1 > Z-B1-U1 > Z-101)
      street S2
        community C3: grid C3-G (C3-M1); compound W (W-B1 > W-B1-U1 > W-101)

People (username = attribute): anonymous is None; ``resident`` lives in X-101;
``owner`` owns X-102; ``property_x`` / ``property_z`` staff compounds X / Z;
``grid_c1`` is C1's grid worker; ``leader_m1`` leads C1-M1; ``community_c1`` and
``community_c2``; ``street_s1`` over S1; ``multi`` holds community staff in C1
and C3 (two streets); ``admin`` is a superuser.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from linli.org import services
from linli.org.models import Node, Person, Role
from linli.org.models import NodeKind as K


def bearer(person: Person) -> dict:
    """Test-client keyword arguments that sign in as ``person`` with a new API token."""
    _token, raw = services.api_token_create(person=person, name="t", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@dataclass
class World:
    nodes: dict[str, Node] = field(default_factory=dict)
    people: dict[str, Person | None] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Node:
        return self.nodes[code]

    def person(self, name: str) -> Person | None:
        return self.people[name]

    def ids(self) -> WorldIds:
        """The primary keys of its places and people, to fetch them again in another test."""
        return WorldIds(nodes={code: n.pk for code, n in self.nodes.items()},
                        people={name: p.pk if p is not None else None for name, p in self.people.items()})


@dataclass(frozen=True)
class WorldIds:
    nodes: dict[str, int]
    people: dict[str, int | None]


def fetch_world(ids: WorldIds) -> World:
    """The world built earlier (tests/conftest.py builds it once per session), as
    fresh objects in two queries: a test that changes an object in memory leaves
    the next test's objects alone."""
    nodes = Node.objects.in_bulk(list(ids.nodes.values()))
    people = Person.objects.in_bulk([pk for pk in ids.people.values() if pk is not None])
    return World(nodes={code: nodes[pk] for code, pk in ids.nodes.items()},
                 people={name: people[pk] if pk is not None else None for name, pk in ids.people.items()})


def build_world() -> World:
    w = World()

    def mk(kind, code, parent=None, **extra):
        w.nodes[code] = services.node_create(
            kind=kind, code=code, name=extra.pop("name", code), parent=w.nodes.get(parent) if parent else None, by=None,
            **extra,
        )
        return w.nodes[code]

    mk(K.DISTRICT, "D1")
    mk(K.STREET, "S1", "D1")
    mk(K.STREET, "S2", "D1")
    for comm, street in (("C1", "S1"), ("C2", "S1"), ("C3", "S2")):
        mk(K.COMMUNITY, comm, street)
        mk(K.GRID, f"{comm}-G", comm)
        mk(K.MICROGRID, f"{comm}-M1", f"{comm}-G")
    mk(K.MICROGRID, "C1-M2", "C1-G")
    for compound, comm, units in (
        ("X", "C1", {"X-B1-U1": ["X-101", "X-102"], "X-B2-U1": ["X-201"]}),
        ("Y", "C1", {"Y-B1-U1": ["Y-101"]}),
        ("Z", "C2", {"Z-B1-U1": ["Z-101"]}),
        ("W", "C3", {"W-B1-U1": ["W-101"]}),
    ):
        mk(K.COMPOUND, compound, comm, property_mode="professional")
        for unit, households in units.items():
            building = unit.rsplit("-", 1)[0]
            if building not in w.nodes:
                mk(K.BUILDING, building, compound)
            mk(K.UNIT, unit, building)
            for h in households:
                mg = "C1-M2" if h == "X-201" else f"{comm}-M1"
                mk(K.HOUSEHOLD, h, unit, area_m2=Decimal("88.50"), microgrid=w.nodes[mg])

    def person(username, *roles):
        p = services.person_create(username=username, real_name=username, phone="13912345678",
                                   password="pw-" + username, by=None)
        for role, code in roles:
            services.role_assign(person=p, role=role, node=w.nodes[code], by=None)
        w.people[username] = p

    w.people["anonymous"] = None
    person("resident", (Role.RESIDENT, "X-101"))
    person("owner", (Role.OWNER, "X-102"))
    person("property_x", (Role.PROPERTY_STAFF, "X"))
    person("property_z", (Role.PROPERTY_STAFF, "Z"))
    person("grid_c1", (Role.GRID_WORKER, "C1-G"))
    person("leader_m1", (Role.MICROGRID_LEADER, "C1-M1"))
    person("community_c1", (Role.COMMUNITY_STAFF, "C1"))
    person("community_c2", (Role.COMMUNITY_STAFF, "C2"))
    person("street_s1", (Role.STREET_STAFF, "S1"))
    person("multi", (Role.COMMUNITY_STAFF, "C1"), (Role.COMMUNITY_STAFF, "C3"))
    w.people["admin"] = services.person_create(username="admin", password="pw-admin", is_superuser=True, by=None)
    for node in w.nodes.values():  # a unit's micro-grid was set in the database when its households came
        node.refresh_from_db()
    return w
