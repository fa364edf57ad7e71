"""Browser tests: the full menu at desktop widths in both languages, and a phone's search
page that shows a result on its first screens with the filters behind a toggle."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from marketplace.search.service import sync_outbox

pytestmark = pytest.mark.browser


def _menu_state(page) -> dict:
    return page.evaluate(
        """() => {
          const vis = (el) => !!el && el.offsetParent !== null
            && el.getBoundingClientRect().width > 0;
          const nav = document.querySelector('nav.navbar');
          const links = [...nav.querySelectorAll('#mainnav .nav-link')];
          const tops = new Set(links.filter(vis).map(
            (a) => Math.round(a.getBoundingClientRect().top / 10)));
          return {
            toggler: vis(nav.querySelector('.navbar-toggler')),
            lang: vis(nav.querySelector('a[lang]')),
            langText: (nav.querySelector('a[lang]') || {}).textContent,
            rows: tops.size,
            overflow: document.documentElement.scrollWidth > window.innerWidth,
            navHeight: nav.getBoundingClientRect().height,
          };
        }"""
    )


@pytest.mark.parametrize("width", [1024, 1280])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("role", [None, Role.OPERATOR, Role.FIRM])
def test_the_full_menu_and_language_switch_show_at_desktop_widths(
    page, db, create_user, browser_login, width, lang, role
):
    page.set_viewport_size({"width": width, "height": 800})
    if role is not None:
        browser_login(
            create_user(role=role, name="Alexandra Montgomery-Smith", locale=lang)
        )
    page.goto(f"/?lang={lang}")
    state = _menu_state(page)
    assert not state["toggler"], state  # no hamburger
    assert state["lang"], state  # the language switch is in sight
    assert state["langText"] == ("中文" if lang == "en" else "English")
    assert state["rows"] == 1 and not state["overflow"], state
    assert state["navHeight"] < 80, state


def test_a_phone_keeps_the_hamburger(page, db):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?lang=en")
    assert _menu_state(page)["toggler"]


def test_on_a_phone_the_first_result_is_on_the_first_screens_and_filters_toggle(
    page, db, create_user, create_achievement, browser_login
):
    fields = [
        "frame_materials",
        "surface_treatment",
        "lenses_coatings",
        "myopia_control",
        "optometry_devices",
        "smart_glasses",
        "design_3d_printing",
        "automation",
        "environmental",
        "other",
    ]
    modes = ["assignment", "licence", "equity", "joint_development", "service"]
    for i, field in enumerate(fields):
        create_achievement(
            title=f"镜片镀膜工艺{i}",
            summary="镜片减反射镀膜与加硬工艺",
            field=field,
            trl=1 + i % 9,
            cooperation_modes=[modes[i % 5], modes[(i + 2) % 5]],
            pricing_mode=["listing", "agreement", "auction", "negotiable"][i % 4],
        )
    sync_outbox()
    browser_login(create_user(role=Role.FIRM))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/search/?q=镀膜")
    facets = page.locator(".facet").first
    assert page.locator(".facet").count() >= 3
    first = page.locator(".search-hit").first.bounding_box()
    assert first["y"] < 1.5 * 844, first
    assert not facets.is_visible()  # behind the toggle
    toggle = page.locator("[data-bs-target='#search-filters']")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    facets.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    with page.expect_navigation():
        page.locator(".facet[data-facet=field] a").first.click()
    assert "field=" in page.url
    # Filters in use are named next to the toggle even while it is closed.
    assert page.locator(".search-filter-count").is_visible()


def test_on_a_desktop_the_filters_show_without_a_toggle(page, db, create_achievement):
    create_achievement(title="镜片镀膜工艺", summary="镜片减反射镀膜")
    sync_outbox()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/search/?q=镀膜")
    assert page.locator(".facet").first.is_visible()
    assert not page.locator("[data-bs-target='#search-filters']").is_visible()
