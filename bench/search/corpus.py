"""Synthetic Chinese IP-dispute fact texts from templates, reproducible from a seed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

PLACES = ["南通", "通州", "海门", "如皋", "启东", "海安", "如东", "崇川", "苏州", "杭州", "绍兴", "义乌", "广州"]
BRAND_CHARS = "鑫源华泰丰盛宏达嘉瑞恒信锦绣雅韵梦洁罗莱紫金凯盈博尚美佳润天彩云舒优品诺亚晨曦银河星月"
INDUSTRIES = ["家纺", "纺织", "家居用品", "床上用品", "服饰", "家具", "电子科技", "贸易", "工艺品", "玩具"]
PLATFORMS = ["淘宝", "天猫", "拼多多", "京东", "抖音", "快手", "1688", "小红书", "闲鱼", "微店"]
PRODUCTS = [
    "四件套",
    "三件套",
    "被芯",
    "蚕丝被",
    "羽绒被",
    "夏凉被",
    "枕芯",
    "枕套",
    "床单",
    "床笠",
    "毛毯",
    "抱枕",
    "窗帘",
    "毛巾",
    "浴巾",
    "睡衣",
    "凉席",
    "沙发",
    "床垫",
    "手机壳",
]
DESIGNS = ["花型", "印花图案", "提花图案", "绣花图案", "包装盒", "产品外形", "刺绣纹样"]
WORKS = ["美术作品", "摄影作品", "花型图案", "产品宣传图片", "文字作品", "视听作品"]
DISTRICTS = ["崇川区", "通州区", "海门区", "如皋市", "启东市", "海安市", "如东县"]
STATUSES = ["submitted", "accepted", "in_mediation", "settled", "failed", "closed", "rejected"]
CHANNELS = [
    "people_mediation",
    "industry_mediation",
    "litigation_mediation",
    "administrative_adjudication",
    "arbitration",
    "enforcement_referral",
]
ORGANIZATIONS = [
    "家纺快速维权中心",
    "知识产权人民调解委员会",
    "中级人民法院诉调对接中心",
    "市场监督管理局",
    "仲裁委员会",
    "知识产权保护中心",
]
CLOSURES = ["settled", "failed", "withdrawn", "declined", "referred"]


@dataclass(frozen=True)
class Kind:
    """One kind of dispute: its IP type, cause name and template sentences."""

    ip_type: str
    cause_name: str
    right: list[str]
    acts: list[str]
    evidence: list[str] = field(default_factory=list)


KINDS = [
    Kind(
        "design_patent",
        "侵害外观设计专利权纠纷",
        [
            "申请人系专利号为{pno}的“{product}”外观设计专利的专利权人，该专利现合法有效。",
            "申请人就其设计的{design}于{year}年申请外观设计专利并获授权，专利号{pno}。",
        ],
        [
            "被申请人未经许可在{platform}开设网店，销售与涉案专利外观近似的{product}，整体视觉效果无实质性差异。",
            "被申请人在{place}叠石桥市场生产、销售与申请人外观设计专利相同的{product}，并通过{platform}许诺销售。",
        ],
        ["申请人已对被诉侵权产品进行公证购买，并委托进行侵权比对。", "申请人通过可信时间戳固定了销售链接和销量。"],
    ),
    Kind(
        "utility_patent",
        "侵害实用新型专利权纠纷",
        ["申请人享有名称为“一种{product}的加工装置”的实用新型专利权，专利号{pno}。"],
        [
            "被申请人制造、销售的{product}加工设备落入涉案专利权利要求1的保护范围，技术特征相同。",
            "被申请人在展会上许诺销售的设备与涉案实用新型专利的技术方案等同。",
        ],
        ["申请人提交了专利权评价报告及技术比对表。"],
    ),
    Kind(
        "invention_patent",
        "侵害发明专利权纠纷",
        ["申请人是发明专利“一种{product}面料的制备方法”的专利权人，专利号{pno}。"],
        ["被申请人使用涉案专利方法生产{product}面料并在{platform}销售，侵犯申请人发明专利权。"],
        ["申请人申请证据保全，并委托司法鉴定机构出具鉴定意见。"],
    ),
    Kind(
        "trademark",
        "侵害商标权纠纷",
        [
            "申请人是第{tmno}号“{brand}”注册商标的商标注册人，核定使用商品为第24类床上用品。",
            "申请人经许可使用“{brand}”注册商标，该商标在家纺行业具有较高知名度。",
        ],
        [
            "被申请人在{platform}店铺销售标有“{brand}”字样的{product}，构成商标近似，容易导致混淆。",
            "被申请人销售假冒“{brand}”注册商标的{product}，侵犯申请人注册商标专用权。",
            "被申请人在商品链接标题及详情页中突出使用“{brand}”标识，误导消费者。",
        ],
        ["申请人提交了商标注册证、公证书及被诉侵权商品实物。"],
    ),
    Kind(
        "copyright",
        "侵害著作权纠纷",
        [
            "申请人对其创作的{work}享有著作权，并已办理作品登记证书。",
            "申请人设计的{design}系具有独创性的美术作品，申请人依法享有著作权。",
        ],
        [
            "被申请人未经许可在{platform}商品主图中使用申请人的{work}，侵犯信息网络传播权。",
            "被申请人复制申请人的{design}并印制在{product}上批量销售，侵犯复制权和发行权。",
        ],
        ["申请人提供了创作底稿和首次发表的证明。"],
    ),
    Kind(
        "software",
        "侵害计算机软件著作权纠纷",
        ["申请人开发了“{brand}家纺ERP管理系统”，享有计算机软件著作权，登记号{tmno}。"],
        ["被申请人未经许可复制安装该软件并用于商业经营，构成侵权。"],
        ["申请人提交了软件著作权登记证书及源代码比对报告。"],
    ),
    Kind(
        "trade_secret",
        "侵害商业秘密纠纷",
        ["申请人的客户名单和{product}面料配方属于商业秘密，申请人与员工签订了保密协议和竞业限制协议。"],
        ["申请人原员工离职后到被申请人处任职，披露并使用申请人的经营秘密，抢夺客户。"],
        ["申请人提交了保密措施的证据及客户流失情况说明。"],
    ),
    Kind(
        "unfair_competition",
        "虚假宣传纠纷",
        ["申请人的“{brand}”{product}在{place}地区有一定影响。"],
        [
            "被申请人在{platform}直播带货时宣称其{product}为“{brand}同厂出品”，构成虚假宣传和仿冒混淆。",
            "被申请人使用与申请人有一定影响的包装装潢近似的标识，构成不正当竞争。",
        ],
        ["申请人提交了直播录屏和销售数据。"],
    ),
]

DEMANDS = [
    "请求责令被申请人立即停止侵权，下架全部侵权链接，并赔偿经济损失{amount}元。",
    "请求调解：被申请人停止生产销售，销毁库存，赔偿损失及合理开支共计{amount}元。",
    "申请人希望通过调解解决，要求被申请人赔礼道歉并支付许可使用费{amount}元。",
    "请求停止侵害、消除影响，并赔偿维权费用{amount}元。",
]


@dataclass(frozen=True)
class SyntheticCase:
    """One generated dispute with the fields the search documents need."""

    id: str
    title: str
    text: str
    ip_type: str
    cause_name: str
    status: str
    channel: str
    organization: str
    district: str
    year: int
    closure: str | None


def _company(rng: random.Random) -> str:
    brand = "".join(rng.sample(BRAND_CHARS, 2))
    return f"{rng.choice(PLACES)}{brand}{rng.choice(INDUSTRIES)}有限公司"


def _slots(rng: random.Random) -> dict[str, str]:
    year = rng.randint(2015, 2024)
    return {
        "pno": f"{year}{rng.choice('123')}{rng.randint(0, 9999999):07d}.{rng.randint(0, 9)}",
        "tmno": str(rng.randint(1_000_000, 69_999_999)),
        "product": rng.choice(PRODUCTS),
        "design": rng.choice(DESIGNS),
        "work": rng.choice(WORKS),
        "platform": rng.choice(PLATFORMS),
        "place": rng.choice(PLACES),
        "brand": "".join(rng.sample(BRAND_CHARS, 2)),
        "year": str(year),
        "amount": str(rng.choice([1, 2, 3, 5, 8, 10, 20, 50]) * 10_000),
    }


def generate_case(rng: random.Random, number: int) -> SyntheticCase:
    """Return one synthetic case drawn from rng."""
    kind = rng.choice(KINDS)
    slots = _slots(rng)
    claimant, respondent = _company(rng), _company(rng)
    sentences = [f"申请人{claimant}称：", rng.choice(kind.right), *rng.sample(kind.acts, k=min(2, len(kind.acts)))]
    if kind.evidence and rng.random() < 0.7:
        sentences.append(rng.choice(kind.evidence))
    sentences.append(rng.choice(DEMANDS))
    text = f"{''.join(sentences)}被申请人为{respondent}。".format(**slots)
    status = rng.choice(STATUSES)
    return SyntheticCase(
        id=f"case-{number}",
        title=f"{claimant}与{respondent}{kind.cause_name}",
        text=text,
        ip_type=kind.ip_type,
        cause_name=kind.cause_name,
        status=status,
        channel=rng.choice(CHANNELS),
        organization=rng.choice(ORGANIZATIONS),
        district=rng.choice(DISTRICTS),
        year=int(slots["year"]) + rng.randint(0, 1),
        closure=rng.choice(CLOSURES) if status == "closed" else None,
    )


def generate_cases(n: int, seed: int = 20240601) -> Iterator[SyntheticCase]:
    """Yield n synthetic cases; the same seed yields the same cases."""
    rng = random.Random(seed)
    for number in range(1, n + 1):
        yield generate_case(rng, number)


def keyword_queries(n: int, seed: int = 7) -> list[str]:
    """Return n keyword queries of one to three domain words, as a user would type them."""
    rng = random.Random(seed)
    vocabulary = (
        PRODUCTS
        + PLATFORMS
        + [
            "外观设计",
            "商标",
            "著作权",
            "商业秘密",
            "虚假宣传",
            "侵权比对",
            "公证",
            "赔偿",
            "叠石桥",
            "假冒",
            "信息网络传播权",
            "竞业限制",
        ]
    )
    return [" ".join(rng.sample(vocabulary, rng.randint(1, 3))) for _ in range(n)]
