"""In a real browser: up to the Stripe checkout page, and the bank-transfer path end to end."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.payments.models import PaymentRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _price(db, deal):
    return db.session.scalar(
        sa.select(PaymentRequest).where(
            PaymentRequest.deal_id == deal.id, PaymentRequest.kind == "lump_sum"
        )
    )


def test_the_payer_reaches_the_checkout_page_with_the_servers_amount(
    db, deal, people, sign_contract, stripe_on, page, browser_login
):
    sign_contract()
    req = _price(db, deal)
    browser_login(people.firm)
    page.goto("/payments/")
    page.get_by_role("link", name=req.title).click()
    page.locator("#pay-online").click()
    # stripe.js cannot load here: wait for the DOM, not for every script.
    page.wait_for_url(f"**/payments/{req.id}/checkout", wait_until="domcontentloaded")
    assert "¥300,000" in page.locator("#checkout-amount").inner_text()
    assert (
        page.locator("#payment-form")
        .get_attribute("data-client-secret")
        .startswith("pi_")
    )


def test_bank_transfer_end_to_end_receipt_confirmation_paid(
    db, deal, people, sign_contract, page, browser, live_server, browser_login, tmp_path
):
    sign_contract()
    req = _price(db, deal)
    receipt = tmp_path / "回单.pdf"
    receipt.write_bytes(PDF)
    browser_login(people.firm)
    page.goto(f"/payments/{req.id}")
    page.get_by_label("转账回单（PDF 或图片）").set_input_files(str(receipt))
    page.get_by_label("付款账户 / 流水号（选填）").fill("工商银行 6222 流水 778899")
    page.get_by_role("button", name="提交转账回单").click()
    page.wait_for_load_state()
    assert "待运营方确认到账" in page.content()

    ctx = browser.new_context(base_url=live_server, locale="zh-CN")
    op = ctx.new_page()
    op.goto("/account/login")
    op.locator("input[name=email]").fill(people.operator.email)
    op.locator("input[name=password]").fill("pass-word-123")
    op.locator("main form button[type=submit]").first.click()
    op.wait_for_load_state()
    op.goto(f"/payments/{req.id}")
    op.get_by_label("实际到账金额（元）").fill("300000")
    op.get_by_role("button", name="确认到账").click()
    op.wait_for_load_state()
    assert "已确认到账" in op.content()
    ctx.close()

    page.goto(f"/payments/{req.id}")
    assert "已支付" in page.locator(".payment-status").inner_text()
    assert page.locator("#amount-outstanding").inner_text() == "¥0"
