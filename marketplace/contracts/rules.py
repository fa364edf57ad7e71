"""The technical-contract rules (民法典 §843–887) in one place: code tables, body checks,
the agreed-price check, and the two questions the deal pipeline asks (fully signed?
registered?).

contracts/__init__.py hands `contract_fully_signed`, `registration_recorded` and
`contract_of` to the deal workflow (deals/questions.py).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.money import format_fen
from ..extensions import db

#: Contract types; "licence" carries a licence scope below.
CONTRACT_TYPES = {
    "development_commissioned": _l("技术开发（委托开发）合同"),
    "development_joint": _l("技术开发（合作开发）合同"),
    "assignment": _l("技术转让合同"),
    "licence": _l("技术许可合同"),
    "consulting": _l("技术咨询合同"),
    "service": _l("技术服务合同"),
}
#: Licence scope: silence means non-exclusive (民法典 §866 and the SPC interpretation).
LICENCE_SCOPES = {
    "non_exclusive": _l("普通许可"),
    "sole": _l("排他许可"),
    "exclusive": _l("独占许可"),
}
DEFAULT_LICENCE_SCOPE = "non_exclusive"
PAYMENT_MODES = {
    "lump_sum": _l("一次总算、一次总付"),
    "instalments": _l("一次总算、分期支付"),
    "royalty": _l("提成支付"),
    "entry_plus_royalty": _l("入门费加提成支付"),
}
ROYALTY_BASES = {
    "price": _l("产品价格"),
    "output_value": _l("实施专利后新增的产值"),
    "profit": _l("利润"),
    "sales": _l("产品销售额"),
}
RATE_TRENDS = {
    "fixed": _l("固定比例"),
    "rising": _l("逐年递增"),
    "falling": _l("逐年递减"),
}
DISPUTE_METHODS = {
    "arbitration": _l("提交仲裁委员会仲裁"),
    "court": _l("向人民法院起诉"),
}
#: Types in which a patent (or application) is typically the subject.
PATENT_TYPES = frozenset({"assignment", "licence"})
MAX_INSTALMENTS = 12
TEXT_MAX = 5_000


def licence_scope(body: dict) -> str:
    """The licence scope of a body; an unset scope is non-exclusive."""
    scope = (body or {}).get("licence_scope") or DEFAULT_LICENCE_SCOPE
    return scope if scope in LICENCE_SCOPES else DEFAULT_LICENCE_SCOPE


def _rate(value) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def body_errors(body: dict) -> list[tuple[str | None, str]]:
    """Business-rule problems of a contract body: [(form field, message)], empty if fine."""
    errors: list[tuple[str | None, str]] = []
    if body.get("type") not in CONTRACT_TYPES:
        errors.append(("type", _l("请选择合同类型。")))
    if body.get("type") == "licence" and body.get("licence_scope") not in (
        None,
        "",
        *LICENCE_SCOPES,
    ):
        errors.append(("licence_scope", _l("许可方式无效。")))
    price = body.get("price_fen")
    if not isinstance(price, int) or price < 0:
        errors.append(("price", _l("请填写合同价款。")))
        price = None
    mode = body.get("payment_mode")
    if mode not in PAYMENT_MODES:
        errors.append(("payment_mode", _l("请选择支付方式。")))
    if mode == "instalments":
        rows = body.get("instalments") or []
        if not rows:
            errors.append(("instalments", _l("分期支付需填写付款计划（日期和金额）。")))
        elif len(rows) > MAX_INSTALMENTS:
            errors.append(
                ("instalments", _l("分期不能超过 %(n)s 期。", n=MAX_INSTALMENTS))
            )
        elif price is not None and sum(r["amount_fen"] for r in rows) != price:
            errors.append(("instalments", _l("各期金额之和必须等于合同价款。")))
        dues = [r["due"] for r in rows]
        if dues != sorted(dues):
            errors.append(("instalments", _l("各期付款日期应按先后顺序填写。")))
    if mode in ("royalty", "entry_plus_royalty"):
        royalty = body.get("royalty") or {}
        if royalty.get("base") not in ROYALTY_BASES:
            errors.append(("royalty_base", _l("请选择提成基数。")))
        rate = _rate(royalty.get("rate_pct"))
        if rate is None or not Decimal(0) < rate <= Decimal(100):
            errors.append(("royalty_rate", _l("提成比例应大于 0 且不超过 100%。")))
        if royalty.get("trend") not in RATE_TRENDS:
            errors.append(("royalty_trend", _l("请选择提成比例的变化方式。")))
    if mode == "entry_plus_royalty" and not (body.get("entry_fee_fen") or 0) > 0:
        errors.append(("entry_fee", _l("入门费加提成支付需填写入门费。")))
    fee = body.get("broker_fee_fen")
    if fee is not None and price is not None and fee > price:
        errors.append(("broker_fee", _l("居间报酬不应超过合同价款。")))
    dispute = body.get("dispute") or {}
    if dispute.get("method") not in DISPUTE_METHODS:
        errors.append(("dispute_method", _l("请选择争议解决方式。")))
    if not (dispute.get("body") or "").strip():
        errors.append(("dispute_body", _l("请写明仲裁委员会或管辖法院。")))
    patent = body.get("patent")
    if patent and not (
        patent.get("name")
        and (patent.get("application_number") or patent.get("patent_number"))
    ):
        errors.append(("patent_name", _l("涉及专利时请填写专利名称及申请号或专利号。")))
    return errors


#: Payment modes whose contract price (合同价款, price_fen) must equal the deal's agreed
#: price. The contract price is the whole consideration in every mode: instalments add
#: up to it (above), and with an entry fee plus royalties the entry fee is the part paid
#: on signing, not the price (payments bills it alone; the fees and the registration use
#: price_fen). Royalty only is left out on purpose: nothing is fixed, the total depends on
#: future sales, so equality with a price fixed beforehand means nothing; such a contract
#: may state 0, and the fees then fall back to the agreed price (payments.services).
AGREED_PRICE_MODES = frozenset({"lump_sum", "instalments", "entry_plus_royalty"})


def agreed_price_errors(
    body: dict, agreed_fen: int | None, currency: str = "CNY"
) -> list[tuple[str, str]]:
    """[("price", message)] when the contract price differs from the agreed price.

    The agreed price comes from pricing (协议定价 after the notice, the listing price the
    firm accepted, the winning bid); without one there is nothing to compare yet.
    """
    body = body or {}
    if agreed_fen is None or body.get("payment_mode") not in AGREED_PRICE_MODES:
        return []
    if body.get("price_fen") == agreed_fen:
        return []
    price = format_fen(agreed_fen, currency or "CNY")
    return [("price", _l("合同价款须与交易约定价格（%(p)s）一致。", p=price))]


def with_agreed_price(body: dict, agreed_fen: int | None) -> dict:
    """A copy of `body` with the agreed price as its contract price, where it must be."""
    if agreed_fen is None or (body or {}).get("payment_mode") not in AGREED_PRICE_MODES:
        return body
    return {**body, "price_fen": agreed_fen}


def parse_due(text: str) -> date:
    return date.fromisoformat(text)


# -- the questions the deal pipeline asks -------------------------------------------
def contract_of(deal):
    # models imports this module's constants: Contract is imported at call time
    from .models import Contract

    return db.session.scalar(sa.select(Contract).where(Contract.deal_id == deal.id))


def contract_fully_signed(deal) -> bool:
    """True when supplier and firm have both signed the same, latest contract version."""
    contract = contract_of(deal)
    return bool(contract and contract.latest_fully_signed)


def registration_recorded(deal) -> bool:
    """True when the 技术合同认定登记 of the deal's contract has been recorded."""
    contract = contract_of(deal)
    return bool(contract and contract.registration is not None)


# -- 技术合同登记表 (技术合同认定登记) -------------------------------------------------
# The fields the registration office's form asks for (DOMAIN.md, Registration). The code
# lists follow the national technology-contract registration system's classifications
# (技术合同认定登记 技术领域 / 知识产权类别 / 社会经济目标 / 主体性质); the national measures
# were replaced by the MIIT 技术合同认定登记管理办法 in January 2026, so check a list here
# against the office's current form before changing it. The office, not the parties,
# has a time limit (10 days in Zhejiang, 30 in the 2000 measures): the parties apply
# after signing, as soon as they can, and never with a date before the signing.
REG_TECH_FIELDS = {
    "electronic_information": _l("电子信息"),
    "aerospace": _l("航空航天"),
    "advanced_manufacturing": _l("先进制造"),
    "biomedicine": _l("生物、医药和医疗器械"),
    "new_materials": _l("新材料及其应用"),
    "new_energy": _l("新能源与高效节能"),
    "environment": _l("环境保护与资源综合利用"),
    "nuclear": _l("核应用技术"),
    "agriculture": _l("农业"),
    "transport": _l("现代交通"),
    "urban_social": _l("城市建设与社会发展"),
    "other": _l("其他"),
}
REG_IP_CATEGORIES = {
    "invention_patent": _l("发明专利"),
    "utility_model": _l("实用新型专利"),
    "design_patent": _l("外观设计专利"),
    "software_copyright": _l("计算机软件著作权"),
    "ic_layout": _l("集成电路布图设计"),
    "plant_variety": _l("植物新品种"),
    "trade_secret": _l("技术秘密"),
    "none": _l("未涉及知识产权"),
    "other": _l("其他知识产权"),
}
REG_SOCIO_ECONOMIC_GOALS = {
    "environment": _l("环境保护、生态建设及污染防治"),
    "agriculture": _l("农林牧渔业发展"),
    "industry": _l("工商业发展"),
    "energy": _l("能源生产、分配和合理利用"),
    "health": _l("卫生事业发展"),
    "education": _l("教育事业发展"),
    "infrastructure": _l("基础设施以及城市和农村规划"),
    "social": _l("社会发展和社会服务"),
    "earth": _l("地球和大气层的探索与利用"),
    "space": _l("民用空间探索与利用"),
    "defence": _l("国防"),
    "other": _l("其他民用目标"),
}
REG_ENTITY_TYPES = {
    "enterprise": _l("企业"),
    "research_institute": _l("科研机构"),
    "university": _l("高等院校"),
    "public_institution": _l("其他事业单位"),
    "social_organisation": _l("社会团体"),
    "government": _l("机关"),
    "individual": _l("自然人"),
    "other": _l("其他组织"),
}
#: The entity type a party's organisation type suggests (the form can change it).
ENTITY_TYPE_OF_ORG = {
    "university": "university",
    "institute": "research_institute",
    "tto": "public_institution",
    "firm": "enterprise",
}
#: Contract types registered as technology transfers: the form then asks for the
#: expected new investment and output value.
REG_TRANSFER_TYPES = frozenset({"assignment", "licence"})
#: 登记编号: 16 digits, the first four the year of registration.
REGISTRATION_NUMBER = re.compile(r"\d{16}")
#: 行政区划代码 (GB/T 2260): six digits, e.g. 330304 温州市瓯海区.
REGION_CODE = re.compile(r"[1-9]\d{5}")


def registration_errors(
    data: dict, signed_on: date, contract_type: str, price_fen: int | None
) -> list[tuple[str, str]]:
    """Problems of a registration's fields against the 登记表 rules; [] when fine.

    `signed_on` is the Beijing date of the last signature.
    """
    errors: list[tuple[str, str]] = []
    applied = data.get("applied_on")
    number = data.get("registration_number") or ""
    if not REGISTRATION_NUMBER.fullmatch(number):
        errors.append(("registration_number", _l("登记编号应为 16 位数字。")))
    elif (
        not signed_on.year
        <= int(number[:4])
        <= max(signed_on, applied or signed_on).year + 1
    ):
        errors.append(("registration_number", _l("登记编号的前四位应为登记年份。")))
    if applied is None or applied < signed_on:
        errors.append(
            (
                "applied_on",
                _l("申请登记日期不能早于合同签订日期（%(d)s）。", d=signed_on),
            )
        )
    start, end = data.get("period_start"), data.get("period_end")
    if start is None or end is None:
        errors.append(("period_start", _l("请填写合同有效期的起止日期。")))
    elif end < start:
        errors.append(("period_end", _l("合同有效期的截止日期不能早于起始日期。")))
    for key, table, message in (
        ("technical_field", REG_TECH_FIELDS, _l("请选择技术领域。")),
        ("ip_category", REG_IP_CATEGORIES, _l("请选择知识产权类别。")),
        ("socio_economic_goal", REG_SOCIO_ECONOMIC_GOALS, _l("请选择社会经济目标。")),
        ("seller_entity_type", REG_ENTITY_TYPES, _l("请选择卖方主体性质。")),
        ("buyer_entity_type", REG_ENTITY_TYPES, _l("请选择买方主体性质。")),
    ):
        if data.get(key) not in table:
            errors.append((key, message))
    for key in ("seller_region_code", "buyer_region_code"):
        if not REGION_CODE.fullmatch(data.get(key) or ""):
            errors.append((key, _l("行政区划代码应为 6 位数字，如 330304。")))
    income = data.get("technical_income_fen")
    if income is None or income < 0:
        errors.append(("technical_income", _l("请填写核定技术性收入。")))
    elif isinstance(price_fen, int) and income > price_fen:
        errors.append(("technical_income", _l("核定技术性收入不能超过合同价款。")))
    if contract_type in REG_TRANSFER_TYPES:
        for key, message in (
            ("expected_investment_fen", _l("技术转让合同请填写预计新增投资。")),
            ("expected_output_fen", _l("技术转让合同请填写预计新增产值。")),
        ):
            if data.get(key) is None or data[key] < 0:
                errors.append((key.removesuffix("_fen"), message))
    return errors
