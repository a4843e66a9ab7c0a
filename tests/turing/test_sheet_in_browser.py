"""The sheet in a real headless Chromium: images load, clicks count, the score and answers come out right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.browser import chrome, console_errors, needs_chromium
from tests.inputs import textured_photo

from bsgan.turing.score import score
from bsgan.turing.sheet import key, render, shuffled_items

pytestmark = needs_chromium


@pytest.fixture
def browser():  # a selenium WebDriver
    with chrome() as driver:
        yield driver


def write_sheet(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    paths = []
    for i in range(6):
        path = tmp_path / f"image_{i}.png"
        textured_photo(32, 32, seed=i).save(path)
        paths.append(path)
    items = shuffled_items(paths[:3], paths[3:], seed=1)
    page = tmp_path / "sheet.html"
    page.write_text(render(items, "Real or generated? rust", "rust-original"), encoding="utf-8")
    return page, key(items, "rust-original")


def test_a_person_marks_every_image_and_gets_their_score(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page, sheet_key = write_sheet(tmp_path)
    browser.get(page.as_uri())
    figures = browser.find_elements(By.CSS_SELECTOR, "figure")
    assert len(figures) == 6
    assert all(browser.execute_script("return arguments[0].naturalWidth", f.find_element(By.TAG_NAME, "img")) == 32
               for f in figures)
    finish = browser.find_element(By.ID, "finish")
    assert not finish.is_enabled()

    truth = sheet_key["truth"]
    for n, figure in enumerate(figures):  # right on all but the first image
        right = truth[figure.get_attribute("data-id")]  # type: ignore[index]
        answer = right if n else ("generated" if right == "real" else "real")
        figure.find_element(By.CSS_SELECTOR, f"button[data-answer='{answer}']").click()
    assert browser.find_element(By.ID, "progress").text == "6 of 6 marked"
    finish.click()

    assert browser.find_element(By.ID, "result").text.startswith("You judged 5 of 6 images correctly (83%)")
    assert browser.find_element(By.ID, "download").is_displayed()
    answers = browser.execute_script("return window.bsganAnswers")
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    assert score(answers, sheet_key).correct == 5
    browser.save_screenshot(str(tmp_path / "sheet.png"))
    assert console_errors(browser) == []
