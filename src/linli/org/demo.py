"""Demo data built from the places in the seed reports (shared/seeds/).

Counts follow the reports where they give one (丽晶公馆 13 units; 桂湖东路三巷
9 courtyards and 329 households; 莱茵春天 1 building, 151 households; 33
building representatives in 地铁首座). Floor areas are made up but repeatable.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from linli.org import services
from linli.org.models import Node, NodeKind, Person, PropertyCompany, PropertyMode, Role

DEMO_PASSWORD = "linli-demo-2026"
_demo_hashes: dict[str, str] = {}  # the first password hasher's name -> the demo password hashed by it


def demo_account(*, username: str, real_name: str, phone: str = "", is_superuser: bool = False) -> Person:
    """An account that signs in with the demo password. Every demo login shares one hash of it
    (the password is published): hashing it with argon2 for each of the ~30 accounts took 3.5 s
    of every demo start."""
    person = services.person_create(username=username, real_name=real_name, phone=phone, password=None,
                                    is_superuser=is_superuser, by=None)
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _demo_hashes:
        _demo_hashes[hasher] = make_password(DEMO_PASSWORD)
    person.password = _demo_hashes[hasher]
    person.save(update_fields=["password"])
    return person

# (username, real name, role, scope code, what to say in the login list)
DEMO_PEOPLE = [
    ("resident", "王梅", Role.RESIDENT, "LJGG-B1-U1-0101", "居民 丽晶公馆 1栋1单元101"),
    ("owner", "刘大姐", Role.OWNER, "LYCT-B1-U1-0301", "业主 莱茵春天 3楼301"),
    ("building_rep", "廖女士", Role.BUILDING_REP, "DTSZ-B01", "楼栋代表 地铁首座 1栋"),
    ("mg_leader", "任阿姨", Role.MICROGRID_LEADER, "TJ-G1-M1", "微网格长 太极社区第一微网格"),
    ("grid_worker", "李网格", Role.GRID_WORKER, "TJ-G1", "网格员 太极社区第一网格"),
    ("special_member", "快递小哥", Role.SPECIAL_MICROGRID_MEMBER, "TJ-G1-M1", "特聘微网格员 (随手拍)"),
    ("property", "何开银", Role.PROPERTY_STAFF, "DTSZ", "物业项目经理 地铁首座"),
    ("owners_committee", "饶女士", Role.OWNERS_COMMITTEE, "ZBHP", "业委会 珍宝琥珀"),
    ("governance", "陈克强", Role.GOVERNANCE_COMMITTEE, "ZBHP", "专委会负责人 珍宝琥珀"),
    ("party_branch", "张久海", Role.PARTY_BRANCH, "DTSZ", "党支部书记 地铁首座"),
    ("community", "冯贵川", Role.COMMUNITY_STAFF, "QY", "社区书记 庆云社区"),
    ("community_tj", "太极社区干部", Role.COMMUNITY_STAFF, "TJ", "社区工作人员 太极社区"),
    ("street", "公平街道干部", Role.STREET_STAFF, "GP", "街道工作人员 公平街道"),
    ("merchant", "商家联盟", Role.MERCHANT, "FH", "商家 凤凰社区"),
    ("volunteer", "志愿者小张", Role.VOLUNTEER, "GD", "志愿者 桂东社区"),
]


def _mk(kind, code, name, parent=None, **extra):
    return services.node_create(kind=kind, code=code, name=name, parent=parent, by=None, **extra)


def _area(i: int) -> Decimal:
    return Decimal(60 + (i * 37) % 80) + Decimal((i * 13) % 100) / 100


def _households(unit: Node, floors: int, per_floor: int, microgrid: Node, limit: int | None = None) -> int:
    made = 0
    prefix = unit.code
    for floor in range(1, floors + 1):
        for door in range(1, per_floor + 1):
            if limit is not None and made >= limit:
                return made
            room = f"{floor:02d}{door:02d}"
            _mk(NodeKind.HOUSEHOLD, f"{prefix}-{room}", f"{floor}{door:02d}室", unit,
                area_m2=_area(made + floor * 7 + door), microgrid=microgrid)
            made += 1
    return made


def _grid(community: Node, prefix: str, n_micro: int = 2) -> list[Node]:
    grid = _mk(NodeKind.GRID, f"{prefix}-G1", f"{community.name}第一网格", community)
    return [
        _mk(NodeKind.MICROGRID, f"{prefix}-G1-M{i}", f"{community.name}第{'一二三四'[i - 1]}微网格", grid)
        for i in range(1, n_micro + 1)
    ]


@transaction.atomic
def load_demo_org() -> dict:
    """Create the demo trees and people. Expects an empty database."""
    companies = {
        name: PropertyCompany.objects.create(name=name)
        for name in ("德商物业", "地铁首座物业服务中心", "庆云信托制物业", "桂东院落自管小组", "温江城市物业")
    }
    # 温江区
    wj = _mk(NodeKind.DISTRICT, "WJ", "温江区")
    tf = _mk(NodeKind.STREET, "TF", "天府街道", wj)
    tf_c = _mk(NodeKind.COMMUNITY, "TFSQ", "天府社区", tf)
    tf_mg = _grid(tf_c, "TFSQ")
    dtsz = _mk(NodeKind.COMPOUND, "DTSZ", "地铁首座", tf_c, property_mode=PropertyMode.PROFESSIONAL,
               property_company=companies["地铁首座物业服务中心"])
    for b in range(1, 34):  # 33 buildings, one representative each
        building = _mk(NodeKind.BUILDING, f"DTSZ-B{b:02d}", f"{b}栋", dtsz)
        unit = _mk(NodeKind.UNIT, f"DTSZ-B{b:02d}-U1", "1单元", building)
        _households(unit, 3, 2, tf_mg[b % 2])

    yq = _mk(NodeKind.STREET, "YQ", "涌泉街道", wj)
    fh = _mk(NodeKind.COMMUNITY, "FH", "凤凰社区", yq)
    fh_mg = _grid(fh, "FH")
    zbhp = _mk(NodeKind.COMPOUND, "ZBHP", "合能·珍宝琥珀", fh, property_mode=PropertyMode.PROFESSIONAL,
               property_company=companies["德商物业"])
    for phase, pname in ((1, "一期"), (2, "二期")):
        group = _mk(NodeKind.GROUP, f"ZBHP-P{phase}", pname, zbhp)
        for b in range(1, 4):
            building = _mk(NodeKind.BUILDING, f"ZBHP-P{phase}-B{b}", f"{pname}{b}栋", group)
            for u in (1, 2):
                unit = _mk(NodeKind.UNIT, f"ZBHP-P{phase}-B{b}-U{u}", f"{u}单元", building)
                _households(unit, 4, 2, fh_mg[phase - 1])

    gp = _mk(NodeKind.STREET, "GP", "公平街道", wj)
    tj = _mk(NodeKind.COMMUNITY, "TJ", "太极社区", gp)
    tj_mg = _grid(tj, "TJ")
    ljgg = _mk(NodeKind.COMPOUND, "LJGG", "丽晶公馆", tj, property_mode=PropertyMode.PROFESSIONAL,
               property_company=companies["温江城市物业"])
    unit_no = 0
    for b in range(1, 6):
        building = _mk(NodeKind.BUILDING, f"LJGG-B{b}", f"{b}栋", ljgg)
        for u in range(1, 4):
            unit_no += 1
            if unit_no > 13:  # 13 units in all
                break
            unit = _mk(NodeKind.UNIT, f"LJGG-B{b}-U{u}", f"{u}单元", building)
            _households(unit, 3, 2, tj_mg[unit_no % 2])

    hs = _mk(NodeKind.STREET, "HS", "和盛镇", wj)
    hs_c = _mk(NodeKind.COMMUNITY, "HSSQ", "和盛社区", hs)
    hs_mg = _grid(hs_c, "HSSQ", 1)
    lt = _mk(NodeKind.COMPOUND, "LT", "兰亭", hs_c, property_mode=PropertyMode.TRUSTEESHIP)
    building = _mk(NodeKind.BUILDING, "LT-B1", "1栋", lt)
    _households(_mk(NodeKind.UNIT, "LT-B1-U1", "1单元", building), 4, 2, hs_mg[0])

    # 新都区 桂湖街道 桂东社区 桂湖东路三巷: nine courtyards merged into one compound.
    xd = _mk(NodeKind.DISTRICT, "XD", "新都区")
    gh = _mk(NodeKind.STREET, "GH", "桂湖街道", xd)
    gd = _mk(NodeKind.COMMUNITY, "GD", "桂东社区", gh)
    gd_mg = _grid(gd, "GD", 3)
    sx = _mk(NodeKind.COMPOUND, "GHDL3", "桂湖东路三巷", gd, property_mode=PropertyMode.SELF_MANAGED,
             property_company=companies["桂东院落自管小组"])
    remaining = 329
    for c in range(1, 10):
        share = remaining // (10 - c)
        remaining -= share
        court = _mk(NodeKind.GROUP, f"GHDL3-Y{c}", f"{c}号院落", sx)
        building = _mk(NodeKind.BUILDING, f"GHDL3-Y{c}-B1", "1幢", court)
        unit = _mk(NodeKind.UNIT, f"GHDL3-Y{c}-B1-U1", "1单元", building)
        _households(unit, 6, (share + 5) // 6, gd_mg[c % 3], limit=share)

    # 锦江区 书院街街道 庆云社区 莱茵春天: one building, 151 households, trust-style.
    jj = _mk(NodeKind.DISTRICT, "JJ", "锦江区")
    syj = _mk(NodeKind.STREET, "SYJ", "书院街街道", jj)
    qy = _mk(NodeKind.COMMUNITY, "QY", "庆云社区", syj)
    qy_mg = _grid(qy, "QY")
    lyct = _mk(NodeKind.COMPOUND, "LYCT", "莱茵春天", qy, property_mode=PropertyMode.TRUST,
               property_company=companies["庆云信托制物业"])
    building = _mk(NodeKind.BUILDING, "LYCT-B1", "1栋", lyct)
    for u in (1, 2):
        unit = _mk(NodeKind.UNIT, f"LYCT-B1-U{u}", f"{u}单元", building)
        _households(unit, 19, 4, qy_mg[u - 1], limit=76 if u == 1 else 75)

    # 青羊区 草堂街道: old courtyards under renovation ("栖居草堂").
    qyq = _mk(NodeKind.DISTRICT, "QYQ", "青羊区")
    ct = _mk(NodeKind.STREET, "CT", "草堂街道", qyq)
    qb = _mk(NodeKind.COMMUNITY, "QB", "清波社区", ct)
    qb_mg = _grid(qb, "QB", 1)
    yl = _mk(NodeKind.COMPOUND, "QB-Y1", "清波一号院落", qb, property_mode=PropertyMode.SELF_MANAGED)
    building = _mk(NodeKind.BUILDING, "QB-Y1-B1", "1栋", yl)
    _households(_mk(NodeKind.UNIT, "QB-Y1-B1-U1", "1单元", building), 5, 2, qb_mg[0])

    demo_account(username="admin", real_name="系统管理员", is_superuser=True)
    for i, (username, name, role, scope, _label) in enumerate(DEMO_PEOPLE):
        person = demo_account(username=username, real_name=name, phone=f"1380000{i:04d}")
        services.role_assign(person=person, role=role, node=Node.objects.get(code=scope), by=None)
    return {"places": Node.objects.count()}


def demo_logins() -> list[tuple[str, str, str]]:
    return [("admin", DEMO_PASSWORD, "系统管理员 (superuser)")] + [
        (u, DEMO_PASSWORD, label) for u, _n, _r, _s, label in DEMO_PEOPLE
    ]
