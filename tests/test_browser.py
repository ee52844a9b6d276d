"""The views in real headless Chromium, as a person would open them.

Needs Debian's `chromium` and `chromium-driver`: installed here with apt-get when running as root
(as CI does); otherwise these tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import networkx as nx
import pytest

from graph.draw import drawing
from graph.cli import main
from graph.model.store import KnowledgeGraph

from .conftest import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "build" / "test-artifacts"
BASE = "https://w3id.org/salt-kg/"


def chromium_paths() -> tuple[str | None, str | None]:
    return shutil.which("chromium"), shutil.which("chromedriver")


def ensure_chromium() -> tuple[str, str]:
    """Chromium and its driver, installing the Debian packages when possible; skip otherwise."""
    browser, driver = chromium_paths()
    if browser and driver:
        return browser, driver
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Chromium is not installed and cannot be installed here (needs root and apt-get): "
                    "apt-get install chromium chromium-driver")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends",
                                             "chromium", "chromium-driver"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.skip(f"could not install Chromium ({' '.join(command)}): {done.stderr[-500:]}")
    browser, driver = chromium_paths()
    if not (browser and driver):
        pytest.skip("Chromium packages installed but chromium/chromedriver not on PATH")
    return browser, driver


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    binary, driver_path = ensure_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait_for_layout(driver, timeout: float = 60) -> None:
    """Wait until vis-network has stabilised the layout (and frozen it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return !!(window.saltNetwork && window.saltNetwork.stabilized)"):
            return
        time.sleep(0.2)
    raise AssertionError("the network never stabilised")


def javascript_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def open_written_view(browser, built_seed, monkeypatch, tmp_path) -> None:
    """Write the whole network with `saltkg view` and open the file as a user would."""
    monkeypatch.setenv("SALTKG_BUILD", str(built_seed.build_dir))
    page = tmp_path / "network.html"
    assert main(["view", "-o", str(page)]) == 0
    browser.get(page.as_uri())
    wait_for_layout(browser)


def test_offline_network_file_renders_with_expected_nodes(browser, built_seed, monkeypatch, tmp_path):
    open_written_view(browser, built_seed, monkeypatch, tmp_path)
    ids = set(browser.execute_script("return window.saltNetwork.view.getIds()"))
    assert {BASE + "person/kissinger", BASE + "issue/mobile-icbms", BASE + "document/frus1969-76v14-d247"} <= ids
    assert len(ids) > 80
    drawn = browser.execute_script("return Object.keys(window.saltNetwork.network.getPositions()).length")
    assert drawn == len(ids)
    assert javascript_errors(browser) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "network.png"))
    assert (ARTIFACTS / "network.png").stat().st_size > 10_000


def test_filters_by_type_and_search_and_never_blank_silently(browser, built_seed, monkeypatch, tmp_path):
    open_written_view(browser, built_seed, monkeypatch, tmp_path)
    total = browser.execute_script("return window.saltNetwork.view.length")
    browser.find_element("css selector", "input[data-kind=person]").click()
    without_people = browser.execute_script("return window.saltNetwork.view.length")
    people = browser.execute_script("return window.saltNetwork.nodes.get().filter(n => n.kind === 'person').length")
    assert people >= 31 and without_people == total - people
    search = browser.find_element("id", "search")
    search.send_keys("Kissinger")
    found = set(browser.execute_script("return window.saltNetwork.view.getIds()"))
    assert BASE + "document/frus1969-76v14-d247" in found and BASE + "person/kissinger" not in found
    search.clear()
    search.send_keys("no such thing at all")
    assert browser.execute_script("return window.saltNetwork.view.length") == 0
    assert browser.find_element("id", "empty").is_displayed()
    assert javascript_errors(browser) == []


def test_served_view_as_of_a_date_and_click_opens_the_page(browser, live_server):
    browser.get(live_server + "/view/network?as_of=1972-05-19")
    wait_for_layout(browser)
    nodes = browser.execute_script("return window.saltNetwork.nodes.get()")
    mobile = next(n for n in nodes if n["id"] == BASE + "issue/mobile-icbms")
    assert mobile["color"] == drawing.STATUS_COLOURS["Open"]  # the U.S. statement closed it on 20 May
    assert all(n["earliest"] <= "1972-05-19" for n in nodes if n["kind"] == "event")
    date = browser.find_element("id", "as_of")
    browser.execute_script("arguments[0].value = '1972-05-27'", date)
    browser.find_element("css selector", "#asof button").click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "as_of=1972-05-27" not in browser.current_url:
        time.sleep(0.1)
    assert "as_of=1972-05-27" in browser.current_url
    wait_for_layout(browser)
    nodes = browser.execute_script("return window.saltNetwork.nodes.get()")
    mobile = next(n for n in nodes if n["id"] == BASE + "issue/mobile-icbms")
    assert mobile["color"] == drawing.STATUS_COLOURS["ClosedWithoutAgreement"]
    position = browser.execute_script(
        "const n = window.saltNetwork.network; const p = n.getPositions([arguments[0]])[arguments[0]];"
        "const d = n.canvasToDOM(p); const r = document.getElementById('canvas').getBoundingClientRect();"
        "return [d.x + r.left, d.y + r.top];", BASE + "issue/mobile-icbms")
    before = set(browser.window_handles)
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(browser).move_by_offset(int(position[0]), int(position[1])).click().perform()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and set(browser.window_handles) == before:
        time.sleep(0.1)
    opened = set(browser.window_handles) - before
    assert opened, "clicking the node opened its page"
    main_window = browser.current_window_handle
    browser.switch_to.window(opened.pop())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "/issue/mobile-icbms" not in browser.current_url:
        time.sleep(0.1)
    assert browser.current_url.endswith("/issue/mobile-icbms")
    assert "Mobile ICBMs" in browser.title
    browser.close()
    browser.switch_to.window(main_window)
    assert javascript_errors(browser) == []


def test_hostile_label_renders_as_text(browser, tmp_path):
    label = '<script>window.pwned = true</script> "Smith" & <b>bold</b>'
    graph = nx.MultiDiGraph()
    graph.add_node("urn:a", kind="person", label=label, type="person", earliest=None, latest=None, quote=label)
    graph.add_node("urn:b", kind="issue", label="plain", type="issue", earliest=None, latest=None, quote=None)
    graph.add_edge("urn:a", "urn:b", key="mentions", relation="mentions")
    page = tmp_path / "hostile.html"
    page.write_text(drawing.network_page(graph, label, subtitle=label), encoding="utf-8")
    browser.get(page.as_uri())
    wait_for_layout(browser)
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_element("css selector", "#side h1").text == label
    assert browser.execute_script("return document.querySelectorAll('#side b').length") == 0
    assert browser.execute_script("return window.saltNetwork.nodes.get('urn:a').fullLabel") == label
    assert javascript_errors(browser) == []


def test_timeline_page_renders(browser, live_server, built_seed):
    browser.get(live_server + "/view/timeline?at=1972-05-20")
    bars = browser.execute_script("return document.querySelectorAll('#chart rect.span').length")
    spans = drawing.issue_spans(KnowledgeGraph.open(built_seed.store_path))
    assert bars == sum(1 for s in spans if s.since) >= 30  # one bar per SALT I issue with evidence
    assert browser.execute_script("return document.querySelectorAll('#chart line.at').length") == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "timeline.png"))
    assert javascript_errors(browser) == []
