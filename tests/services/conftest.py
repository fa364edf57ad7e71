"""Service network fixtures: a testing lab with a member, a firm with a member, an operator,
the lab's profile with a salt-spray test in its catalogue, and a shared instrument."""

from __future__ import annotations

import types

import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.services.models import Instrument, Offering, Provider


@pytest.fixture
def net(db, create_org, create_user):
    lab_org = create_org(name="温州眼镜质量检验中心", type=OrgType.PROVIDER)
    firm_org = create_org(name="瓯海明光眼镜有限公司", type=OrgType.FIRM)
    ns = types.SimpleNamespace(
        lab_org=lab_org,
        firm_org=firm_org,
        lab=create_user(role=Role.SUPPLIER, org=lab_org),
        firm=create_user(role=Role.FIRM, org=firm_org),
        operator=create_user(role=Role.OPERATOR),
    )
    ns.provider = Provider(
        organization_id=lab_org.id,
        kind="testing",
        fields=["surface_treatment"],
        town="louqiao",
    )
    db.session.add(ns.provider)
    db.session.flush()
    ns.salt = Offering(
        provider_id=ns.provider.id,
        name="盐雾试验",
        standard="GB/T 10125",
        field="surface_treatment",
        service_kind="testing",
        turnaround_days=5,
        price_mode="per_sample",
        price_fen=40_000,
        client_sends="镜架样品 3 件",
    )
    ns.nickel = Offering(
        provider_id=ns.provider.id,
        name="镜架镍释放检测",
        standard="EN 1811",
        field="frame_materials",
        service_kind="testing",
        price_mode="on_quote",
    )
    ns.instrument = Instrument(
        owner_org_id=lab_org.id,
        name="盐雾试验箱",
        model="YWX-150",
        town="louqiao",
        field="surface_treatment",
        price_unit="hour",
        unit_price_fen=10_000,
        opens_hour=8,
        closes_hour=17,
    )
    db.session.add_all([ns.salt, ns.nickel, ns.instrument])
    db.session.commit()
    return ns


#: The smallest bytes uploads.sniff accepts as a PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
