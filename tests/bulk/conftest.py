"""Helpers for bulk import tests: CSV files with the template's Chinese headers, and
driving the chunked preview the way the page script does."""

from __future__ import annotations

import csv
import io

import pytest

from marketplace.bulk.models import BulkImport

ACH_HEADERS = [
    "机构名称",
    "编号",
    "标题",
    "成果简介",
    "技术领域",
    "关键词",
    "成熟度",
    "合作方式",
    "价格（分）",
    "发明人",
]


def ach_row(ref: str, title: str, org: str = "", **over) -> dict:
    row = {
        "机构名称": org,
        "编号": ref,
        "标题": title,
        "成果简介": f"{title}的简介",
        "技术领域": "frame_materials",
        "关键词": "钛合金, 焊接",
        "成熟度": "6",
        "合作方式": "licence",
        "价格（分）": "1000000",
        "发明人": "张三:100",
    }
    row.update(over)
    return row


def csv_bytes(rows: list[dict], headers: list[str] = ACH_HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def upload(client):
    """Upload a file and run the preview to the end; returns the BulkImport."""

    def do_upload(
        data: bytes,
        filename: str = "成果.csv",
        kind: str = "achievement",
        status: str = "in_review",
        c=None,
        preview: bool = True,
        **extra,
    ):
        c = c or client
        resp = c.post(
            "/bulk/",
            data={
                "kind": kind,
                "target_status": status,
                "file": (io.BytesIO(data), filename),
                **extra,
            },
            content_type="multipart/form-data",
        )
        if resp.status_code != 302:
            return resp
        import_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
        for _ in range(1000):
            if not preview:
                break
            state = c.post(
                f"/bulk/{import_id}/step", headers={"Accept": "application/json"}
            ).get_json()
            if state["finished"]:
                break
        from marketplace.extensions import db

        db.session.expire_all()
        return db.session.get(BulkImport, import_id)

    return do_upload
