"""A person's path through the web UI in a real browser: sign in, search, filter, open an entry,
check the sources page. Screenshots of each page go to var/test-artifacts/browser/."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.api.builder import Keys
from tests.browser.conftest import screenshot

# Run in the page: the structural accessibility rules we hold every page to.
A11Y_AUDIT = """
const problems = [];
for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')
                   || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
  if (!labelled) problems.push(`unlabelled ${el.tagName} ${el.name}`);
}
const h1s = document.querySelectorAll('h1').length;
if (h1s !== 1) problems.push(`${h1s} h1 elements`);
let last = 0;
for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
  const level = Number(h.tagName[1]);
  if (level > last + 1) problems.push(`heading ${h.tagName} "${h.textContent.trim()}" skips a level`);
  last = level;
}
for (const sel of ['header', 'nav', 'main', 'footer']) {
  if (!document.querySelector(sel)) problems.push(`no <${sel}> landmark`);
}
if (!document.documentElement.lang) problems.push('no lang on <html>');
for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
return problems;
"""


def audit(browser: WebDriver) -> None:
    problems: list[Any] = browser.execute_script(A11Y_AUDIT)
    assert problems == [], f"{browser.current_url}: {problems}"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors  # no script error, no CSP violation, no missing resource


def test_sign_in_search_filter_open_entry(driver: WebDriver, live_site: tuple[str, Keys]) -> None:
    base, keys = live_site
    wait = WebDriverWait(driver, 15)
    driver.get(base + "/")
    # Key-only data: the search page sends us to sign in, and back afterwards.
    wait.until(ec.url_contains("/login"))
    audit(driver)
    driver.find_element(By.ID, "key").send_keys(keys.member)
    driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "q")))
    assert driver.find_element(By.CSS_SELECTOR, "header .account").text.startswith("acme")

    box = driver.find_element(By.ID, "q")
    box.send_keys("frequency synthesizer")
    box.submit()
    wait.until(ec.presence_of_element_located((By.ID, "results-h")))
    heading = driver.find_element(By.ID, "results-h").text
    assert "entries match" in heading
    marks = driver.find_elements(By.CSS_SELECTOR, ".snippet mark")
    assert marks and all(m.text.lower().startswith(("frequenc", "synthes")) for m in marks)
    audit(driver)
    screenshot(driver, "search")

    # Ticking a facet applies it (progressive enhancement: the page script submits the form).
    driver.find_element(By.CSS_SELECTOR, 'input.facet[name="jurisdiction"][value="ca"]').click()
    wait.until(ec.url_contains("jurisdiction=ca"))
    wait.until(ec.presence_of_element_located((By.ID, "results-h")))
    codes = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".hit h3 .code")]
    assert codes and all(c.startswith("ca:") for c in codes)
    assert driver.find_element(By.CSS_SELECTOR, 'input.facet[value="ca"]').is_selected()

    driver.back()
    wait.until(ec.presence_of_element_located((By.ID, "results-h")))
    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, ".hit h3 a") if "eu:3A001.b.11" in a.text)
    link.click()
    wait.until(ec.url_contains("/entries/eu:3A001.b.11"))
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("eu:3A001.b.11")
    citation = driver.find_element(By.ID, "citation-text").text
    assert "3A001.b.11" in citation and "sha256" in citation
    crumbs = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".crumbs a")]
    assert crumbs[1:] == ["3", "3A", "3A001", "3A001.b"]
    audit(driver)
    screenshot(driver, "entry")


def test_sources_page(driver: WebDriver, live_site: tuple[str, Keys]) -> None:
    base, keys = live_site
    driver.get(base + "/sources")
    if "/login" in driver.current_url:
        driver.find_element(By.ID, "key").send_keys(keys.readonly)
        driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.health")))
    row = driver.find_element(By.ID, "source-eu-annex-i").text
    assert "2022-05-05" in row and "up to date" in row
    audit(driver)
    screenshot(driver, "sources")


@pytest.mark.slow
def test_entry_to_equivalents(driver: WebDriver, live_site: tuple[str, Keys]) -> None:
    # Runs the matcher: loads an embedding model shipped in a pip package and embeds the lists.
    base, keys = live_site
    driver.get(base + "/entries/eu:3A001.b.11")
    if "/login" in driver.current_url:
        driver.find_element(By.ID, "key").send_keys(keys.readonly)
        driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
    wait = WebDriverWait(driver, 15)
    wait.until(ec.presence_of_element_located((By.ID, "equivalents")))
    driver.set_page_load_timeout(600)
    driver.find_element(By.CSS_SELECTOR, "#equivalents ~ p a, section.feature a[href$='/equivalents']").click()
    WebDriverWait(driver, 600).until(ec.url_contains("/equivalents"))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert heading == "Equivalents of eu:3A001.b.11"
    targets = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main section h2")]
    assert targets and targets[0].startswith("CA")
    audit(driver)
    screenshot(driver, "equivalents")
    driver.set_page_load_timeout(30)
