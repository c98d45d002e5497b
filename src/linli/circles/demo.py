"""Demo service circles (seeds 004 and 000) for two communities of the demo: 太极社区
(丽晶公馆, where the demo resident 王梅 lives) and 天府社区 (地铁首座), 24 entries
each in the three circles, entered through the same services as by hand. Names
follow Chengdu (温江) usage; addresses, phone numbers and positions are made up
but plausible (positions are metres east/north of the compound's gate). Each
community has a late-opening supermarket as a service point (seed 000); 红旗超市
丽晶店 is linked to the mutual-aid merchant TJ-HQ, whose till the demo login
``merchant`` works, so that login maintains the entry's hours. A staff login
``community_tf`` (天府社区) is added for the second community."""
from __future__ import annotations

import math
from decimal import Decimal

from linli.circles import services as circles
from linli.circles.hours import parse_hours_text
from linli.mutualaid.models import Merchant
from linli.org import services as org
from linli.org.models import Node, Person, Role

GOV = "government"
VOL = "volunteer"
LIFE = "life"
OFFICE = "周一至周五 09:00-12:00，13:30-17:00"

# circle, category, name, address, east m, north m, phone, public number, hours, services, documents, link, what
_GOV_COMMON = [
    (GOV, "公积金", "温江区住房公积金服务大厅", "温江区德通桥路268号 政务服务中心二楼", 2400, -1300, "028-82712345", True,
     OFFICE + "；周六 09:00-12:00", "", "身份证原件；提取需购房合同或租房备案；代办需委托书",
     "https://www.cdzfgjj.chengdu.gov.cn/", "公积金缴存、提取、贷款咨询，退休提取当日办结。"),
    (GOV, "维修资金", "温江区住宅专项维修资金服务窗口", "温江区德通桥路268号 政务服务中心二楼12号窗口", 2420, -1310,
     "028-82712366", True, OFFICE, "", "业主大会决议或三分之二业主签字表；维修方案与预算；物业或业委会公章",
     "", "维修资金余额查询、使用申请受理、分户账打印。"),
    (GOV, "养老", "温江区社会保险事务中心", "温江区光华大道三段1588号", -1800, 900, "028-82730011", True, OFFICE, "",
     "身份证；社保卡；退休申请需户口簿和档案", "", "养老保险参保、转移、退休待遇核定，灵活就业人员参保。"),
    (GOV, "医保", "温江区医疗保障服务中心", "温江区光华大道三段1588号 一楼", -1780, 920, "028-82730022", True, OFFICE,
     "", "身份证；社保卡；异地就医备案需就医证明", "", "医保参保登记、异地就医备案、门诊特殊疾病申请。"),
    (GOV, "便民服务", "温江区政务服务中心", "温江区德通桥路268号", 2380, -1280, "028-82712300", True,
     "周一至周五 09:00-17:00；周六、周日 09:00-12:00", "", "按事项带身份证原件", "https://www.wenjiang.gov.cn/",
     "户籍、不动产、社保、公积金等事项一站办理，周末上午有值班窗口。"),
]


def _gov_local(community: str, street: str) -> list[tuple]:
    return [
        (GOV, "社保", f"{street}社保服务站", f"{street}便民服务中心一楼", 350, 420, "028-82701234", True, OFFICE, "",
         "身份证；社保卡", "", "城乡居民养老保险、医保参保缴费，社保卡补办申请。"),
        (GOV, "党群服务", f"{community}党群服务中心", f"{community}居委会一楼", 180, 160, "028-82705678", True,
         "周一至周日 09:00-12:00，14:00-18:00", "居住证明、流动党员报到、法律咨询、调解", "身份证", "",
         "开具居住证明，流动党员报到，每月第二个周三有律师坐班。"),
    ]


def _volunteers(community: str) -> list[tuple]:
    return [
        (VOL, "志愿服务队", f"{community}志愿服务队", f"{community}党群服务中心", 180, 160, "13980001111", False,
         "周六 09:00-11:00", "垃圾分类引导、助老送餐、文明劝导", "", "", "每周六上午集合，现场扫码签到，可用信义贝兑换。"),
        (VOL, "党员先锋队", f"{community}党员先锋队", f"{community}党群服务中心", 180, 160, "13980002222", False, "", "",
         "", "", "在职党员双报到，认领院落微心愿。"),
        (VOL, "巡逻队", f"{community}夜间巡逻队", f"{community}警务室", 260, 90, "13980003333", False,
         "每天 20:00-22:00", "夜间巡逻、防火检查", "", "", "两人一组，带手电和袖标。"),
        (VOL, "助老助残", "长者助餐志愿队", f"{community}长者食堂", 320, -150, "13980004444", False,
         "周一至周五 11:00-12:30", "送餐上门、陪伴聊天", "", "", "为高龄独居老人送餐，欢迎报名。"),
        (VOL, "文体队伍", "银杏坝坝舞队", f"{community}文化广场", 400, 220, "13980005555", False,
         "每天 19:30-21:00", "", "", "", "晚饭后广场集合，新人可随时加入。"),
    ]


def _life(community: str, compound: str, shop: str, shop_address: str) -> list[tuple]:
    return [
        (LIFE, "超市", shop, shop_address, 120, -60, "028-82709999", True, "每天 07:30-23:30",
         "流动党员登记、张贴通知、志愿者报名、打印参保材料、代收快递", "", "",
         "晚上营业到十一点半的社区服务点：下班后也能登记、报名、打印材料。"),
        (LIFE, "便利店", "红旗连锁 24小时便利店", f"{compound}南门商铺3号", 60, -40, "028-82701111", True,
         "每天 00:00-24:00", "", "", "", "全天营业，可充值水电气。"),
        (LIFE, "菜市场", f"{community}农贸市场", f"{community}市场路12号", 520, 300, "", False,
         "每天 06:30-19:00", "", "", "", "蔬菜、肉类、豆制品，周末早市人多。"),
        (LIFE, "餐饮", "李记面馆", f"{compound}西门商铺8号", -90, 30, "13880001234", False,
         "每天 06:30-14:00，17:00-21:00", "", "", "", "燃面、豌杂面，早餐有包子。"),
        (LIFE, "餐饮", "老码头烧烤", "光华大道三段夜市街", 650, -420, "13880005678", False, "每天 18:00-02:00",
         "", "", "", "晚上六点到凌晨两点。"),
        (LIFE, "餐饮", f"{community}长者食堂", f"{community}长者食堂", 320, -150, "028-82706666", True,
         "周一至周五 11:00-13:00，17:00-18:30", "", "", "", "六十岁以上老人凭卡就餐有补贴。"),
        (LIFE, "学校", "温江区公平小学", "温江区公平街道学府路8号", 900, 650, "028-82720001", True,
         "周一至周五 07:30-17:30", "", "", "", "片区公办小学，招生咨询请工作日致电。"),
        (LIFE, "学校", "温江区第二幼儿园分园", f"{community}学府路2号", 450, 520, "028-82720002", True,
         "周一至周五 07:45-17:30", "", "", "", "公办幼儿园。"),
        (LIFE, "医疗", f"{community}卫生服务站", f"{community}居委会旁", 210, 140, "028-82703120", True,
         "每天 08:00-12:00，14:00-17:30", "", "", "", "全科门诊、慢病随访、预防接种（周三）。"),
        (LIFE, "医疗", "温江区人民医院", "温江区康泰路86号", 3100, 1800, "028-82722120", True, "每天 00:00-24:00", "",
         "身份证；医保卡", "", "急诊全天开放。"),
        (LIFE, "药店", "和济大药房", f"{compound}东门商铺2号", 150, 20, "028-82708888", True, "每天 08:00-22:00", "",
         "", "", "医保定点药店。"),
        (LIFE, "理发", "快剪理发", f"{compound}北门商铺5号", 30, 110, "13880009999", False, "周二至周日 09:00-21:00",
         "", "", "", "周一休息。"),
        (LIFE, "交通", "地铁4号线 凤溪河站", "光华大道与凤溪大道交叉口", 1300, -900, "", False, "每天 06:20-23:00", "",
         "", "", "B口有非机动车停放点。"),
        (LIFE, "交通", "公交站 学府路口", "学府路与光华大道路口", 380, -200, "", False, "每天 06:30-22:00", "", "", "",
         "309路、温江5路。"),
        (LIFE, "快递", "菜鸟驿站", f"{compound}南门商铺6号", 80, -50, "13880007777", False, "每天 08:30-21:00", "",
         "", "", "取件带取件码。"),
        (LIFE, "维修", "张师傅家电维修", f"{community}市场路20号", 560, 330, "13880003456", False,
         "周一至周六 09:00-18:00", "", "", "", "空调、热水器、洗衣机上门维修。"),
    ]


COMMUNITIES = [
    # community code, compound code, gate position, staff username, supermarket name and address, merchant
    ("TJ", "LJGG", ("30.694210", "103.841530"), "community_tj", "红旗超市 丽晶店", "丽晶公馆东门商铺1号", "TJ-HQ",
     "公平街道"),
    ("TFSQ", "DTSZ", ("30.702580", "103.829460"), "community_tf", "舞东风超市 天府店", "地铁首座南门商铺11号", "",
     "天府街道"),
]


def _offset(lat: str, lng: str, east: int, north: int) -> tuple[Decimal, Decimal]:
    dlat = north / 111_320
    dlng = east / (111_320 * math.cos(math.radians(float(lat))))
    return (Decimal(lat) + Decimal(f"{dlat:.6f}")).quantize(Decimal("0.000001")), (
        Decimal(lng) + Decimal(f"{dlng:.6f}")).quantize(Decimal("0.000001"))


def _staff(username: str, community: Node) -> Person:
    person = Person.objects.filter(username=username).first()
    if person is None:
        from linli.org.demo import demo_account

        person = demo_account(username=username, real_name=f"{community.name}干部")
        org.role_assign(person=person, role=Role.COMMUNITY_STAFF, node=community, by=None)
    return person


def load_demo_circles() -> dict:
    made = 0
    for code, compound_code, (lat, lng), username, shop, shop_address, merchant_code, street in COMMUNITIES:
        community = Node.objects.get(code=code)
        compound = Node.objects.get(code=compound_code)
        staff = _staff(username, community)
        circles.location_set(compound=compound, lat=lat, lng=lng, by=staff)
        rows = [*_GOV_COMMON, *_gov_local(community.name, street), *_volunteers(community.name),
                *_life(community.name, compound.name, shop, shop_address)]
        merchants = {m.name: m.code for m in Merchant.objects.filter(node=community)}
        for (circle, category, name, address, east, north, phone, public, hours, services, documents, link,
             what) in rows:
            e_lat, e_lng = _offset(lat, lng, east, north)
            merchant = merchant_code if name == shop else merchants.get(name, "")
            circles.entry_create(
                community=community, circle=circle, category=category, name=name, address=address, lat=e_lat,
                lng=e_lng, phone=phone, phone_public=public, hours=parse_hours_text(hours), services=services,
                service_point=name == shop, documents=documents, link=link, description=what,
                merchant=merchant or None, closed_dates=["2027-02-17"] if circle == GOV else [], by=staff)
            made += 1
    return {"circle_entries": made}
