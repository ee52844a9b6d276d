"""The views in real headless Chromium, as a person would open them.

Needs Debian's `chromium` and `chromium-driver`: installed here with apt-get when running as root
(as CI does); otherwise these tests skip and say why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from urllib.parse import urlparse

import networkx as nx
import pytest

from graph.cli import main
from graph.config import Settings
from graph.draw import drawing
from graph.model.store import KnowledgeGraph

from .conftest import DATA, PROJECT_ROOT, SHARED, serving
from .system_packages import apt_install, can_install

ARTIFACTS = PROJECT_ROOT / "build" / "test-artifacts"
BASE = "https://w3id.org/salt-kg/"


def chromium_paths() -> tuple[str | None, str | None]:
    return shutil.which("chromium"), shutil.which("chromedriver")


def ensure_chromium() -> tuple[str, str]:
    """Chromium and its driver, installing the Debian packages when possible; skip otherwise."""
    browser, driver = chromium_paths()
    if browser and driver:
        return browser, driver
    if not can_install():
        pytest.skip("Chromium is not installed and cannot be installed here (needs root and apt-get): "
                    "apt-get install chromium chromium-driver")
    done = apt_install(["chromium", "chromium-driver"], ["--no-install-recommends"])
    if done.returncode != 0:
        pytest.skip(f"could not install Chromium: {done.stderr[-500:]}")
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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
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


# -- a tour of every page kind: status, console, network, accessibility, screenshot -------------

AXE_DIR = PROJECT_ROOT / "build" / "test-cache" / "axe"
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "devtools", "file")
PAGES = [  # (name, path, expected status)
    ("home", "/", 200),
    ("issues", "/issues", 200),
    ("issue", "/issue/mobile-icbms", 200),
    ("unresolved", "/issues?unresolved_on=1972-05-20", 200),
    ("search", "/search?q=heavy+missiles", 200),
    ("events", "/events?issue=heavy-missile-definition", 200),
    ("person", "/person/kissinger", 200),
    ("connections", "/people/kissinger/connections", 200),
    ("document", "/document/frus1969-76v14-d247", 200),
    ("passage", "/document/frus1969-76v14-d247#passage-746-961", 200),
    ("timeline", "/view/timeline?at=1972-05-20", 200),
    ("docs", "/docs", 200),
    ("redoc", "/redoc", 200),
    ("not-found", "/person/kisinger", 404),
    ("bad-date", "/issues?unresolved_on=1972-02-30", 400),
]


def axe_script() -> str:
    """axe-core's browser bundle, installed from the npm registry into build/ once; skip without npm."""
    bundle = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not bundle.exists():
        npm = shutil.which("npm")
        if not npm:
            pytest.skip("npm is not installed: cannot install axe-core for the accessibility check")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(AXE_DIR),
                               "axe-core@4"], capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not bundle.exists():
            pytest.skip(f"could not install axe-core from the npm registry: {done.stderr[-500:]}")
    return bundle.read_text(encoding="utf-8")


def network_events(driver) -> list[dict]:
    """The DevTools network events logged since the last call."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"].startswith("Network."):
            events.append(message)
    return events


def document_status(events: list[dict], url: str) -> int | None:
    target = url.split("#")[0]
    for event in events:
        response = event["method"] == "Network.responseReceived" and event["params"]["response"]
        if response and event["params"].get("type") == "Document" and response["url"] == target:
            return response["status"]
    return None


def remote_requests(events: list[dict]) -> list[str]:
    """Requests to anything but this machine."""
    found = []
    for event in events:
        if event["method"] != "Network.requestWillBeSent":
            continue
        url = event["params"]["request"]["url"]
        parsed = urlparse(url)
        if parsed.scheme in LOCAL_SCHEMES:
            continue
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            found.append(url)
    return found


def serious_violations(driver, script: str) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    driver.execute_script(script)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done(String(e)));")
    assert isinstance(result, list), result
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result if v["impact"] in ("serious", "critical")]


def console_errors(driver, expected_status: int) -> list[str]:
    """Console errors, less the browser's own note of the expected error status of the page itself."""
    return [m for m in javascript_errors(driver)
            if not (expected_status >= 400 and f"status of {expected_status}" in m)]


def visit(driver, url: str, expected: int, name: str, script: str, settle=None) -> None:
    """Open a page and check it as the issue asks: status, console, network, accessibility, screenshot."""
    driver.get("about:blank")  # a fresh load even when only the #fragment differs from the last page
    network_events(driver)  # drop what earlier pages logged
    javascript_errors(driver)
    driver.get(url)
    if settle:
        settle(driver)
    time.sleep(0.3)
    events = network_events(driver)
    assert document_status(events, url) == expected, f"{name}: status"
    assert remote_requests(events) == [], f"{name}: a request left the machine"
    assert console_errors(driver, expected) == [], f"{name}: console errors"
    assert serious_violations(driver, script) == [], f"{name}: accessibility"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"page-{name}.png"))


@pytest.mark.parametrize("name,path,expected", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_kind(browser, live_server, name, path, expected):
    settle = None
    if name in ("docs", "redoc"):
        def settle(driver):
            marker = ".swagger-ui .info" if name == "docs" else ".api-content, [role=main]"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not driver.execute_script(
                    "return document.querySelector(arguments[0]) !== null", marker):
                time.sleep(0.2)
    visit(browser, live_server + path, expected, name, axe_script(), settle)
    text = browser.find_element("tag name", "body").text
    if name == "not-found":
        assert "/person/kisinger" in text and "Henry A. Kissinger" in text
    if name == "bad-date":
        assert "1972-02-30" in text
    if name == "docs":
        assert "SALT-KG" in text


def test_passage_link_scrolls_to_and_highlights_the_passage(browser, live_server):
    browser.get(live_server + "/document/frus1969-76v14-d247#passage-746-961")
    marked = browser.find_element("id", "passage-746-961")
    assert "current" in marked.get_attribute("class").split()
    assert marked.text.startswith("For your information, the Soviets listed")
    inside = browser.execute_script("const r = arguments[0].getBoundingClientRect();"
                                    "return r.top >= 0 && r.bottom <= window.innerHeight;", marked)
    assert inside, "the passage is scrolled into view"
    calls = browser.execute_script("return [...document.querySelectorAll('sup.fn-call a')].map(a => a.textContent)")
    assert calls == ["1", "2", "3", "4"]
    heading = browser.execute_script("const h = document.querySelector('article h1').cloneNode(true);"
                                     "h.querySelectorAll('sup').forEach(s => s.remove()); return h.textContent;")
    assert heading.endswith("(Smith)"), "the footnote call is not glued to the title"


def test_seed_network_page(browser, live_server):
    script = axe_script()
    visit(browser, live_server + "/view/network?q=Kissinger", 200, "network-search", script, wait_for_layout)
    assert browser.find_element("id", "search").get_attribute("value") == "Kissinger"
    visit(browser, live_server + "/view/network", 200, "network", script, wait_for_layout)
    assert_no_isolated(browser)
    group = browser.find_element("id", "group")
    browser.execute_script("arguments[0].value = 'issue'; arguments[0].dispatchEvent(new Event('change'));", group)
    clusters = browser.execute_script("return window.saltNetwork.clusters")
    drawn = set(browser.execute_script("return window.saltNetwork.view.getIds()"))
    assert clusters and set(clusters) <= drawn
    assert "group=issue" in browser.current_url, "the grouping is kept in the URL"
    grouped_event = BASE + "event/frus1969-76v14-d247-e7"
    assert grouped_event not in drawn
    browser.execute_script("window.saltNetwork.openGroup(arguments[0])", clusters[0])
    opened = set(browser.execute_script("return window.saltNetwork.view.getIds()"))
    assert clusters[0] not in opened and len(opened) > len(drawn)
    browser.execute_script("arguments[0].value = 'none'; arguments[0].dispatchEvent(new Event('change'));", group)
    assert javascript_errors(browser) == []


def assert_no_isolated(driver) -> None:
    lonely = driver.execute_script(
        "const ids = new Set(window.saltNetwork.view.getIds()); const linked = new Set();"
        "for (const e of window.saltNetwork.edges.get()) if (ids.has(e.from) && ids.has(e.to)) { linked.add(e.from); linked.add(e.to); }"
        "return [...ids].filter(id => !linked.has(id));")
    assert lonely == [], f"isolated nodes drawn: {lonely[:5]}"


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """The shared corpus and TEI sample built and served (skips when ../shared is absent)."""
    if not (SHARED / "corpus").is_dir() or not (SHARED / "tei").is_dir():
        pytest.skip("../shared (corpus and TEI sample) is not here")
    from graph.model.build import build
    settings = Settings(data_dir=DATA, build_dir=tmp_path_factory.mktemp("shared") / "build")
    build(settings, [SHARED / "corpus", SHARED / "tei"], progress=False)  # in-process: no CLI worker pool recompiling the registry
    with serving(settings) as url:
        yield url


def test_shared_build_network_is_readable(browser, shared_server):
    script = axe_script()
    visit(browser, shared_server + "/view/network", 200, "network-shared", script, wait_for_layout)
    assert_no_isolated(browser)
    drawn = browser.execute_script("return window.saltNetwork.view.length")
    grouped = browser.execute_script("return window.saltNetwork.clusters.length")
    assert grouped > 5 and drawn > 100, "the events are grouped by document by default at this size"
    notes = " ".join(n.text for n in browser.find_elements("css selector", ".note"))
    assert "with no link" in notes
    cold = browser.execute_script("return window.saltNetwork.stabilizedAt")
    browser.get(shared_server + "/view/network")  # as a user comes back to it: server and browser caches warm
    wait_for_layout(browser)
    settled = browser.execute_script("return window.saltNetwork.stabilizedAt")
    groups = len(browser.execute_script("return window.saltNetwork.clusters"))
    print(f"shared network: {drawn} nodes drawn ({groups} of them groups of events) settled {settled:.0f} ms after navigation start ({cold:.0f} ms on the first, cold load)")
    assert settled < 3000, f"the layout settled only after {settled:.0f} ms"  # the issue's one timing requirement
    people_may20 = "return window.saltNetwork.nodes.get().filter(n => n.kind === 'person').length"
    all_people = browser.execute_script(people_may20)
    browser.get(shared_server + "/view/network?as_of=1972-05-20")
    wait_for_layout(browser)
    assert browser.execute_script(people_may20) < all_people, "people not yet met by that day are hidden"
