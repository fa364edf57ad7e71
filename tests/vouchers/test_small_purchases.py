"""A purchase under 1万元 is payable wholly by voucher; from 1万元 the voucher's share
holds; the threshold is a setting (VOUCHER_SMALL_PURCHASE_FEN, 0 turns it off)."""

from __future__ import annotations

from marketplace.payments import ledger
from marketplace.vouchers import services


def test_under_ten_thousand_yuan_a_voucher_pays_the_whole_fee(
    app, db, world, fee_request, voucher
):
    v = voucher(face=3_000_000, share=50)
    small, edge = fee_request(999_900), fee_request(1_000_000)
    with app.test_request_context():
        assert services.allowance(v, small) == 999_900
        assert services.allowance(v, edge) == 500_000  # 1万元 is not under 1万元
        assert services.redeem(v, small, world.firm).amount_fen == 999_900
        db.session.commit()
        assert ledger.balance(small).outstanding == 0
        # Nothing more to pay on it.
        assert services.allowance(v, small) == 0


def test_the_threshold_is_a_setting(app, db, world, fee_request, voucher):
    v = voucher(face=3_000_000, share=50)
    req = fee_request(200_000)
    try:
        app.config["VOUCHER_SMALL_PURCHASE_FEN"] = 0
        with app.test_request_context():
            assert services.allowance(v, req) == 100_000
        app.config["VOUCHER_SMALL_PURCHASE_FEN"] = 300_000
        with app.test_request_context():
            assert services.allowance(v, req) == 200_000
    finally:
        app.config.pop("VOUCHER_SMALL_PURCHASE_FEN")
