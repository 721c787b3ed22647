"""The review page in a real headless Chromium: for a busy day, a refund-only day and a refused
day (and the index of a range), the page does not scroll sideways at 1280 px nor at 390 px, nor
in print media at A4 width; the figures in the DOM the browser built equal the journal's; the
refusal banner comes before the journal; printing gives A4 landscape pages.

Screenshots of every page at every width go to `$JOURNALGEN_SCREENSHOTS` when it names a folder
(to look at them), else to the test's temporary folder."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, read_closes
from journalgen.review import review_closes, write_index, write_review_page
from journalgen.settings import load_settings
from tests.chromium import A4_LANDSCAPE_PRINT_WIDTH, LAYOUT, Chromium, chromium_binary
from tests.test_review import DAYS, assert_links_resolve, assert_story_matches, assert_totals_match, parse

BROWSER_REQUIRED = os.environ.get("JOURNALGEN_REQUIRE_BROWSER") == "1"
"""Set by .ci/run, which installs Chromium: there a missing browser is a failure, not a skip."""

pytestmark = pytest.mark.skipif(chromium_binary() is None and not BROWSER_REQUIRED,
                                reason="no Chromium binary found (Debian: apt-get install chromium)")

WIDTHS = ((1280, "screen"), (390, "screen"), (A4_LANDSCAPE_PRINT_WIDTH, "print"))
"""A laptop, a phone, and the width of A4 landscape paper inside the page margins."""
REVIEWED_DAYS = ("busy", "refund-only", "refused")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = chromium_binary()
    assert binary is not None, "JOURNALGEN_REQUIRE_BROWSER=1 but no Chromium binary is installed"
    with Chromium(binary, tmp_path_factory.mktemp("profile")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("JOURNALGEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def assert_fits(layout: dict, width: int, media: str) -> None:
    """Nothing reaches past the right edge: the page does not scroll sideways. A wide table may
    scroll inside its own box on a phone; on a wide screen and on paper no box scrolls (on paper
    a scrolling box would clip its columns); on paper table headers repeat on each page, and
    totals are printed once, at the end, not at the foot of every page."""
    assert layout["width"] == width
    assert layout["scrollWidth"] <= width, layout
    assert layout["outside"] == [], layout
    if width > 500:
        assert layout["scrollingBoxes"] == [], layout
    if media == "print":
        assert set(layout["theadDisplay"]) <= {"table-header-group"}, layout
        assert set(layout["tfootDisplay"]) <= {"table-row-group"}, layout


@pytest.mark.parametrize("day", REVIEWED_DAYS)
def test_page_fits_laptop_phone_and_paper_and_shows_the_journals_figures(browser, screenshots, tmp_path, day):
    journal, settings = DAYS[day]()
    page_file = write_review_page(journal, settings, tmp_path, "ja")
    for width, media in WIDTHS:
        browser.load(page_file, width, media)
        layout = browser.evaluate(LAYOUT)
        browser.screenshot(screenshots / f"review-{day}-{width}-{media}.png")
        assert_fits(layout, width, media)
        if day == "refused":
            assert layout["bannerTop"] < layout["summaryTop"] < layout["journalTop"], layout
        else:
            assert layout["bannerTop"] is None
        page = parse(browser.dom())
        assert page.one(id="journal") and page.by_tag("script") == []  # the browser built our page
        assert_story_matches(page, journal, settings)
        assert_totals_match(page, journal)
        assert_links_resolve(page)
    assert a4_landscape_pages(browser.pdf())


def a4_landscape_pages(pdf: bytes) -> int:
    """How many pages the printout has, after checking each is A4 landscape (841.9 × 595.3 pt)."""
    boxes = [tuple(float(number) for number in box.split())
             for box in re.findall(rb"/MediaBox \[([^\]]*)\]", pdf)]
    assert boxes and all(box[:2] == (0, 0) and abs(box[2] - 841.9) < 1 and abs(box[3] - 595.3) < 1 for box in boxes), boxes
    return len(boxes)


def test_index_of_a_range_fits_laptop_and_phone(browser, screenshots, tmp_path):
    settings = load_settings(SAMPLE_SETTINGS)
    reviewed = review_closes(read_closes(SAMPLE_CLOSES), settings, tmp_path, "ja")
    index = write_index(tmp_path, reviewed, "ja", dt.date(2025, 1, 10), dt.date(2025, 1, 14))
    for width, media in WIDTHS:
        browser.load(index, width, media)
        browser.screenshot(screenshots / f"index-{width}-{media}.png")
        assert_fits(browser.evaluate(LAYOUT), width, media)
    rows = parse(browser.dom()).find_all(data_day=None)
    assert len(rows) == len(reviewed) == 7
