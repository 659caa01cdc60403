"""The web app in a real browser (Debian's chromium driven by Playwright) over the real service: an embedded
Redis server, a worker process with real models, and ``transcribe serve``.

An officer signs in, uploads a recording, watches it finish, relabels a speaker, redacts a word by selecting
it, marks the note checked, and downloads the Word transcript, which shows every change. Screenshots of the
main pages are saved (to ``PT_SCREENSHOT_DIR`` when set: ``make screenshots`` refreshes docs/screenshots/).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from service_support import DATA, ROOT, Processes, free_port, service_env, wait_for

from transcribe.render import docx_text
from workers.broker import EmbeddedRedis
from workers.registry import SUCCEEDED, Registry
from workers.settings import ServiceSettings

CHROMIUM = Path("/usr/bin/chromium")
SESSION = DATA / "sessions" / "s12_first_week_out.ogg"  # an invented supervision session (synthesised speech)
PASSWORD = "correct horse battery staple"
WORD = re.compile(r"[A-Za-z]{5,}")

if not CHROMIUM.exists():
    reason = "Debian's chromium is not installed (`apt-get install chromium`; .ci/run installs it)"
    if os.environ.get("PT_REQUIRE_BROWSER"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, model_root):
    data = tmp_path_factory.mktemp("web")
    port = free_port()
    env = service_env(data, model_root)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        settings = ServiceSettings()
        redis = EmbeddedRedis(settings)
        redis.start()
        processes = Processes(env, data / "logs")
        try:
            for name, role, team in (("jwalsh", "officer", "north"), ("sup.north", "supervisor", "north"),
                                     ("boss", "admin", None)):
                subprocess.run([sys.executable, "-m", "web.cli", "user", "add", name, "--role", role,
                                *(["--team", team] if team else []), "--password-stdin"],
                               input=PASSWORD + "\n", text=True, env=processes.env, cwd=ROOT, check=True,
                               capture_output=True)
            processes.start("worker", "worker", "--queues", "interactive,overnight,service", "--concurrency", "1")
            web = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--port", str(port)], env=processes.env,
                                   cwd=ROOT, stdout=open(data / "logs" / "web.log", "wb"),  # noqa: SIM115
                                   stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(url + "/healthz"), 60, what="the web app")
            wait_for(lambda: "ready." in processes.log("worker"), 120, what="the worker ready")
            registry = Registry(settings.registry_url)
            yield url, registry, data
            registry.close()
        finally:
            if "web" in locals():
                web.terminate()
                web.wait(30)
            processes.stop_all()
            redis.stop()


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=2).text == "ok"
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))  # never a downloaded browser
        yield browser
        browser.close()


def _shot(page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("PT_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def _sign_in(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/")
    assert "/login" in page.url
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")
    return page


def _download(page, link: str, tmp_path: Path) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link, exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return docx_text(path.read_bytes())


def test_an_officer_uploads_reviews_corrects_checks_and_downloads(site, browser, tmp_path):
    url, registry, data = site
    login = browser.new_page()
    login.goto(url + "/login")
    _shot(login, "login", tmp_path)
    page = _sign_in(browser, url, "jwalsh")

    # Upload: the file chooser, a speaker-count hint; the result links the new job.
    page.get_by_role("link", name="Upload", exact=True).click()
    page.set_input_files("input[type=file]", str(SESSION))
    page.get_by_label("How many people speak (if you know)").fill("2")
    _shot(page, "upload", tmp_path)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    assert "queued" in page.locator("main").inner_text()
    [job] = registry.jobs(owner="jwalsh")

    # The jobs list updates itself until the job has finished.
    page.get_by_role("link", name="Jobs", exact=True).click()
    row = page.locator(f"#job-{job.id}")
    row.locator("progress").first.wait_for(timeout=120_000)
    _shot(page, "jobs-progress", tmp_path)
    row.get_by_text("succeeded").wait_for(timeout=300_000)
    _shot(page, "jobs", tmp_path)
    assert registry.get(job.id).state == SUCCEEDED

    # The list reloads itself half a second after a job finishes: let that reload finish before clicking.
    page.wait_for_timeout(1500)
    page.wait_for_load_state("load")
    page.get_by_role("link", name=job.id[:8]).click()
    page.wait_for_url(f"{url}/jobs/{job.id}")
    assert page.get_by_role("heading", name="Supervision note (CRISSA)").is_visible()
    assert "Draft" in page.locator("main").inner_text()
    _shot(page, "job", tmp_path)
    assert _unlabelled(page) == []  # every control has a label (screen readers, voice control)
    before = _download(page, "transcript.docx", tmp_path)
    assert "DRAFT" in before

    # A word said in the session, and nowhere else in the document (not a heading): redact it by selecting it.
    said = page.locator("#transcript .said").all_inner_texts()
    word = next(w for w in WORD.findall(" ".join(said)) if not w.startswith(("PERSON", "PLACE", "REDACTED"))
                and _count(before, w) == _count(" ".join(said), w))
    page.evaluate("""word => {
        const re = new RegExp("\\\\b" + word + "\\\\b", "i");
        for (const span of document.querySelectorAll("#transcript .said")) {
            const walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const m = re.exec(node.data);
                if (!m) continue;
                const range = document.createRange();
                range.setStart(node, m.index); range.setEnd(node, m.index + word.length);
                document.getSelection().removeAllRanges(); document.getSelection().addRange(range);
                return;
            }
        }
    }""", word)
    page.wait_for_function("word => document.getElementById('redact-term').value === word", arg=word)
    with page.expect_navigation():
        page.get_by_role("button", name="Redact the selected words").click()

    # Relabel the first speaker: the officer, by name.
    form = page.locator("form.speaker-form").first
    form.get_by_label("Role").select_option("officer")
    form.get_by_label("Name (shown for the officer only)").fill("Jo Walsh")
    with page.expect_navigation():
        form.get_by_role("button", name="Relabel").click()
    with page.expect_navigation():
        page.get_by_role("button", name="I have checked this note").click()

    # The worker renders every document again with all three corrections.
    wait_for(lambda: registry.get(job.id).revision == 3, 180, what="the documents rendered again")
    page.reload()
    assert "checked by jwalsh" in page.locator("main").inner_text().lower()
    assert not re.search(rf"\b{word}\b", " ".join(page.locator("#transcript .said").all_inner_texts()), re.I)
    after = _download(page, "transcript.docx", tmp_path)
    assert "DRAFT" not in after and "Officer (Jo Walsh)" in after
    assert _count(after, word) == 0 and "[REDACTED" in after
    summary = _download(page, "summary.docx", tmp_path)
    assert "DRAFT" not in summary and _count(summary, word) == 0

    # The supervisor's view (the unredacted toggle) and the administrator's pages, for the screenshots.
    supervisor = _sign_in(browser, url, "sup.north")
    supervisor.goto(f"{url}/jobs/{job.id}?view=unredacted")
    assert re.search(rf"\b{word}\b", supervisor.locator("#transcript").inner_text(), re.I)
    admin = _sign_in(browser, url, "boss")
    admin.goto(url + "/admin")
    _shot(admin, "admin", tmp_path)
    admin.goto(url + "/admin/audit")
    assert "hash chain intact" in admin.locator("main").inner_text().lower()
    _shot(admin, "audit", tmp_path)
    assert word.lower() not in admin.locator("main").inner_text().lower()  # the audit trail holds no words


def _unlabelled(page) -> list[str]:
    """Visible form controls with no label (a <label for>, a wrapping label, or aria-label)."""
    return page.evaluate("""() => [...document.querySelectorAll("input, select, textarea")]
        .filter(e => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label"))
        .map(e => e.outerHTML)""")


def _count(text: str, word: str) -> int:
    return len(re.findall(rf"\b{re.escape(word)}\b", text, re.I))
