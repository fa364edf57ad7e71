"""Form payloads the account tests post."""

from tests.fixtures.factories import make_credit_code

GOOD_PASSWORD = "new-pass-word-2024"


def register_data(**overrides) -> dict:
    data = {
        "org_type": "firm",
        "org_name": "温州明视眼镜有限公司",
        "credit_code": make_credit_code(777001),
        "address": "温州市瓯海区娄桥工业园",
        "contact_name": "王经理",
        "contact_phone": "0577-88886666",
        "name": "王明",
        "email": "wang@mingshi.example.com",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
