"""The texts a new market starts with (seeded as version 1); the operator edits them."""

from __future__ import annotations

NDA_TITLE = "瓯海科技大市场保密协议（NDA）"
NDA_BODY = """\
第一条 适用范围
本协议适用于用户（以下称“接收方”）通过瓯海科技大市场（以下称“平台”）申请查看科技成果的保密技术详情、技术需求的保密内容及交易洽谈中披露的非公开信息（以下统称“保密信息”）。保密信息的提供方（成果方、需求方或其授权的技术经纪人）以下称“披露方”。

第二条 保密义务
接收方应对保密信息严格保密，仅为评估与披露方开展技术合作之目的使用；未经披露方书面同意，不得向任何第三方披露，不得自行或协助他人实施、申请专利或作其他用途。接收方仅可向为上述目的确需知悉的本单位人员披露，并使其承担同等保密义务。

第三条 例外
下列信息不属于保密信息：接收方获得前已合法知悉的；非因接收方过错已为公众所知的；接收方从有权披露的第三方合法获得的；依法律、法规或有权机关要求须披露的（接收方应及时通知披露方）。

第四条 期限与返还
保密义务自接收方勾选接受本协议之时起生效，至保密信息公开之日或自接受之日起五年届满时终止，以先到者为准。合作未达成或披露方要求时，接收方应删除或返还保密信息及其复制件。

第五条 违约责任
接收方违反本协议的，应赔偿披露方因此遭受的损失；平台可暂停或注销其账户。本协议不构成任何技术许可或转让。

第六条 记录与争议
平台记录每次接受本协议的账户、时间和协议版本，作为接受的证据。本协议适用中华人民共和国法律；争议由双方协商解决，协商不成的，提交披露方所在地有管辖权的人民法院诉讼解决。本协议以中文文本为准，英文文本仅供参考。
"""
NDA_BODY_EN = """\
1. Scope. This agreement applies when a user (the "Recipient") asks, through the Ouhai Technology Market (the "Platform"), to see the confidential technical detail of an achievement, the confidential part of a need, or non-public information disclosed while negotiating a deal (together "Confidential Information"). The party that provides it (a supplier, a firm or its authorised broker) is the "Discloser".

2. Duty of confidence. The Recipient keeps Confidential Information strictly confidential and uses it only to assess a technical cooperation with the Discloser; without the Discloser's written consent it does not disclose it to any third party, and does not use, patent or help others use it for any other purpose. It may disclose it only to its own staff who need it for that purpose and who are bound by the same duty.

3. Exceptions. Not confidential is information that the Recipient lawfully knew before; that became public through no fault of the Recipient; that it lawfully received from a third party entitled to disclose it; or that law or a competent authority requires to be disclosed (the Recipient tells the Discloser promptly).

4. Term and return. The duty starts when the Recipient ticks acceptance of this agreement and ends when the information becomes public or five years after acceptance, whichever comes first. If no cooperation follows, or on the Discloser's request, the Recipient deletes or returns the Confidential Information and its copies.

5. Liability. A Recipient in breach compensates the Discloser's losses; the Platform may suspend or close its account. This agreement grants no licence or assignment of any technology.

6. Record and disputes. The Platform records the account, time and version of every acceptance as evidence of it. The law of the People's Republic of China applies; disputes are settled by negotiation, failing which by the competent people's court where the Discloser is located. The Chinese text prevails; this English text is for reference.
"""

OBJECTION_TITLE = "成果转化公示异议处理程序"
#: Who handles an objection and within how many days (a convention of the market,
#: not a statutory figure; the operator sets it).
OBJECTION_FACTS = {
    "handler": "瓯海科技大市场运营方（由本交易的技术经纪人具体办理）",
    "days": 10,
}
OBJECTION_FACTS_EN = {"handler": "The market's operator (handled by the deal's broker)"}
OBJECTION_BODY = """\
一、提出：公示期内，任何单位或个人均可对公示的成果名称、转化方式、拟交易价格或关联关系提出异议。请登录平台，在该公示页面点击“提出异议”，写明具体理由并尽量附上证据；也可向成果方单位的技术转移机构实名书面提出。匿名或无具体理由的异议不予受理。
二、处理：经纪人会同成果方核实异议，必要时征询评估专家意见，在处理时限内作出“异议成立”或“异议不成立”的结论并写明理由，平台通知异议人。
三、结果：有异议成立的，公示不通过，双方不得据此签订合同，须重新议价并重新公示；公示期满且无异议或异议均不成立的，公示通过，双方方可签订合同。
四、记录：异议及处理结果在平台留存，供主管部门查阅。
"""
OBJECTION_BODY_EN = """\
1. Filing. While a notice runs, any organisation or person may object to the noticed achievement, mode of transfer, proposed price or related-party relation. Sign in and use "Object" on the notice's page, giving specific reasons and, where possible, evidence; or object in writing, under your name, to the supplier's technology-transfer office. Anonymous objections or objections without reasons are not taken up.
2. Handling. The broker checks the objection with the supplier, asking the evaluation experts where needed, and within the time limit records it as sustained or dismissed with reasons; the platform tells the objector.
3. Outcome. If an objection is sustained the notice fails: the parties may not sign on it and must renegotiate and notice again. If the notice ends with no objection, or all objections dismissed, it passes and the parties may sign.
4. Record. Objections and their handling are kept on the platform for the authorities.
"""
