"""A compliance officer's path in a real browser: search, open an entry, subscribe to its code
from the subscriptions page, see the subscription listed; and the changes feed. Screenshots go to
var/test-artifacts/browser/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.api.builder import Keys
from tests.browser.conftest import screenshot
from tests.browser.test_search_to_entry import audit


@pytest.fixture(autouse=True)
def _sign_out_after(driver: WebDriver, live_site: tuple[str, Keys]) -> Iterator[None]:
    """The browser is shared by all browser tests: leave it signed out, as the others expect."""
    yield
    driver.get(live_site[0] + "/login")
    driver.delete_all_cookies()


def _sign_in_if_asked(driver: WebDriver, key: str) -> None:
    if "/login" in driver.current_url:
        driver.find_element(By.ID, "key").send_keys(key)
        driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()


def test_search_entry_subscribe_to_its_code(driver: WebDriver, live_site: tuple[str, Keys]) -> None:
    base, keys = live_site
    wait = WebDriverWait(driver, 15)
    driver.get(base + "/?q=frequency+synthesiser")
    _sign_in_if_asked(driver, keys.member)
    wait.until(ec.presence_of_element_located((By.ID, "results-h")))
    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, ".hit h3 a") if "eu:3A001.b.11" in a.text)
    link.click()
    wait.until(ec.url_contains("/entries/eu:3A001.b.11"))
    entry_id = driver.find_element(By.TAG_NAME, "h1").text.split()[0]
    assert entry_id == "eu:3A001.b.11"
    jurisdiction, code = entry_id.split(":")

    driver.find_element(By.CSS_SELECTOR, 'header nav a[href="/subscriptions"]').click()
    wait.until(ec.presence_of_element_located((By.ID, "subscribe-form")))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Alert subscriptions of acme"
    audit(driver)
    driver.find_element(By.ID, "s-name").send_keys(f"Watch {entry_id}")
    Select(driver.find_element(By.ID, "s-kind")).select_by_value("code")
    driver.find_element(By.ID, "s-jurisdiction").send_keys(jurisdiction)
    driver.find_element(By.ID, "s-codes").send_keys(code)
    Select(driver.find_element(By.ID, "s-frequency")).select_by_value("daily")
    driver.find_element(By.ID, "s-channel-feed").click()
    driver.find_element(By.CSS_SELECTOR, "#subscribe-form button[type=submit]").click()

    wait.until(ec.url_contains("/subscriptions?created="))
    assert "created" in driver.find_element(By.CSS_SELECTOR, "p.notice").text
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "table.subscriptions tbody tr")
               if r.find_element(By.TAG_NAME, "th").text == f"Watch {entry_id}")
    assert "eu: 3A001.b.11" in row.text and "Atom feed" in row.text and "daily" in row.text
    audit(driver)
    screenshot(driver, "subscriptions")


def test_changes_feed_filtered_by_kind(driver: WebDriver, live_site: tuple[str, Keys]) -> None:
    base, keys = live_site
    wait = WebDriverWait(driver, 15)
    driver.get(base + "/changes")
    _sign_in_if_asked(driver, keys.readonly)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.changes")))
    Select(driver.find_element(By.ID, "f-kind")).select_by_value("added")
    driver.find_element(By.CSS_SELECTOR, "#changes-form button[type=submit]").click()
    wait.until(ec.url_contains("kind=added"))
    codes = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.changes tbody th a")]
    assert codes == ["eu:3A001.b.12"]
    audit(driver)
    screenshot(driver, "changes")
