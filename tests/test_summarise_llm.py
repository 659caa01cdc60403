"""The optional local-LLM summariser: loopback only, and the deterministic note whenever the server fails.

The model server here is a real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_roles import SESSION, make

from transcribe.options import LlmOptions
from transcribe.summary import assign_roles, summarise_with_llm

REPLY = {"check_in": ["Reports a hard fortnight; [PERSON 1] has been ill [00:00:03]"], "review": [],
         "intervention": ["Reminded of licence conditions [00:00:12]"], "summary": []}


class _Server:
    def __init__(self, body: str, delay_s: float = 0.0):
        seen = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                time.sleep(delay_s)
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": body}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def transcript():
    t = make(SESSION)
    t.speakers = assign_roles(t)
    return t


def test_only_loopback_endpoints_are_accepted():
    for url in ("http://127.0.0.1:8000/v1", "http://localhost:8000/v1", "http://[::1]:8000/v1"):
        assert LlmOptions(url).base_url == url
    for url in ("http://10.0.0.5:8000/v1", "https://api.example.com/v1", "http://192.168.1.2/v1"):
        with pytest.raises(ValueError, match="must be on this host"):
            LlmOptions(url)


def test_sections_come_from_the_local_model(transcript):
    server = _Server(json.dumps(REPLY))
    try:
        summary = summarise_with_llm(transcript, LlmOptions(server.url, timeout_s=5))
    finally:
        server.close()
    assert summary.crissa["check_in"][0].text.startswith("Reports a hard fortnight")
    assert summary.crissa["check_in"][0].timestamps == ["[00:00:03]"]
    assert "local LLM" in summary.method
    assert summary.actions  # still from the deterministic extractor
    sent = server.requests[0]["messages"][1]["content"]
    assert "[00:00:00]" in sent and "since I last saw you" in sent  # the redacted lines, with timestamps


@pytest.mark.parametrize("problem", ["absent", "slow", "nonsense"])
def test_falls_back_to_the_deterministic_note(transcript, problem):
    if problem == "absent":
        server = _Server("")
        server.close()  # nothing listens on that port any more
    else:
        server = _Server("not json" if problem == "nonsense" else json.dumps(REPLY), delay_s=2 if problem == "slow" else 0)
    try:
        summary = summarise_with_llm(transcript, LlmOptions(server.url, timeout_s=0.5))
    finally:
        if problem != "absent":
            server.close()
    assert summary.method == "deterministic"
    assert any("unavailable" in n for n in summary.notes)
    assert summary.crissa["check_in"] and summary.actions


@pytest.mark.parametrize("variable", ["http_proxy", "HTTP_PROXY"])
def test_proxy_variables_are_ignored(transcript, monkeypatch, variable):
    """Issue 10: with a proxy variable set, urllib would send the loopback request through the proxy, which may
    be another host. The request must go straight to the local server; the "proxy" (a listening local server
    here) must see nothing."""
    proxy, server = _Server(json.dumps(REPLY)), _Server(json.dumps(REPLY))
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, proxy.url.removesuffix("/v1"))
    try:
        summary = summarise_with_llm(transcript, LlmOptions(server.url, timeout_s=5))
    finally:
        proxy.close()
        server.close()
    assert proxy.requests == []
    assert len(server.requests) == 1 and "local LLM" in summary.method
