"""The national qualifications a check-up measures a firm against, each rule with its source.

Pure functions over plain figures (no Flask, no database), so a changed rule is changed
here once and the band edges are tested on hand-computed cases.

Texts read (stored public copies, found with the search tool, December 2026):

科技型中小企业: 《科技型中小企业评价办法》 国科发政〔2017〕115号
  第六条 (the five conditions) and 第七条 (the three indicators):
    http://wzzgcs.com/page26?article_id=84&pagenum=2
    https://max.book118.com/html/2019/1107/8075124027002062.shtm
  the indicator bands as applied in 2024 (成都高新区 2024年科技型中小企业入库评价评分标准):
    http://www.13880246603.com/api/PolicyDetail/PolicyInfo/27751
  第八条 (direct confirmation, four cases):
    http://www.ghzfip.com/newsitem/36270
    http://www.cnguyuexuan.com/ask/answer/2958.html
  The 2022 revision (国科发区〔2022〕67号) was not among the stored texts; every page
  of 2022–2024 read states the same conditions, bands and four direct cases.
高新技术企业: 《高新技术企业认定管理办法》 国科发火〔2016〕32号 第十一条 (一)–(八):
    http://www.huiqiaojs.com/index.php?c=category&id=22
    http://shoufuban.net/content/22/1205/15/80185856_1059039582.shtml  (第十一条(五))
  the innovation score, 《高新技术企业认定管理工作指引》 国科发火〔2016〕195号 (四 企业创新能力评价):
    http://cn.shanghaiyincai.com.cn/news/938.html  (the four parts; "70分以上(不含70分)")
    https://www.sahxzzsa.cn/xinwen/23954.html     (研究开发组织管理水平)
    https://www.sanwenwang.com/ba/gwmecfqf.html    (科技成果转化能力)
    https://8.net.cn/g78156221.html, http://dzks.com/supplys/17_4_59872342.html (企业成长性)

Bands include their lower edge ("25%（含）–30%"), so 30% scores 20 and 29.99% 16.

The rules live one qualification a module: common.py (facts, items, verdicts, bands),
tech_sme.py (科技型中小企业), high_tech.py (高新技术企业 第十一条) and
innovation_score.py (its 创新能力评价); this package names them all.
"""

from .common import (
    ACQUISITION_BANDS,
    ACQUISITION_LABELS,
    CONVERSION_BANDS,
    GRADE_BANDS,
    GRADE_LABELS,
    GROWTH_BANDS,
    GROWTH_POSITIVE,
    HNTE,
    HNTE_DOMESTIC_PCT,
    HNTE_GUIDE,
    HNTE_INCOME_PCT,
    HNTE_INNOVATION,
    HNTE_RD_BANDS,
    HNTE_STAFF_PCT,
    IP1_POINTS,
    IP2_BANDS,
    RD_COST_BANDS,
    RD_MANAGEMENT_ITEMS,
    RD_MANAGEMENT_LABELS,
    RD_REVENUE_BANDS,
    SME,
    SME_MAX_ASSETS_FEN,
    SME_MAX_REVENUE_FEN,
    SME_MAX_STAFF,
    SME_PASS,
    STAFF_BANDS,
    Facts,
    Item,
    Verdict,
    band_points,
    fmt,
    ip_points,
    next_edge,
    percent,
)
from .high_tech import hnte, hnte_rd_minimum
from .innovation_score import (
    Innovation,
    Part,
    _conversion_part,  # noqa: F401 (the tests score one part alone)
    _ip_quantity,  # noqa: F401 (the tests score one part alone)
    growth_points,
    growth_rate,
    innovation,
)
from .tech_sme import sme

__all__ = [
    "SME",
    "HNTE",
    "HNTE_GUIDE",
    "SME_MAX_STAFF",
    "SME_MAX_REVENUE_FEN",
    "SME_MAX_ASSETS_FEN",
    "SME_PASS",
    "STAFF_BANDS",
    "RD_REVENUE_BANDS",
    "RD_COST_BANDS",
    "IP2_BANDS",
    "IP1_POINTS",
    "HNTE_RD_BANDS",
    "HNTE_STAFF_PCT",
    "HNTE_DOMESTIC_PCT",
    "HNTE_INCOME_PCT",
    "HNTE_INNOVATION",
    "GRADE_BANDS",
    "GRADE_LABELS",
    "ACQUISITION_BANDS",
    "ACQUISITION_LABELS",
    "CONVERSION_BANDS",
    "RD_MANAGEMENT_ITEMS",
    "RD_MANAGEMENT_LABELS",
    "GROWTH_BANDS",
    "GROWTH_POSITIVE",
    "Facts",
    "Item",
    "Verdict",
    "percent",
    "fmt",
    "band_points",
    "next_edge",
    "ip_points",
    "Part",
    "Innovation",
    "growth_rate",
    "growth_points",
    "innovation",
    "hnte",
    "hnte_rd_minimum",
    "sme",
]
