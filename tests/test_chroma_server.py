"""JAN_CHROMA_URL: a real Chroma server on loopback gives the same results as the embedded store."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import run_jan, search_json, sources_json

pytestmark = pytest.mark.server

CHROMA = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "chroma"

DOCS = {
    "bellen.md": "# Bereikbaarheid\n\nDe klant wil iemand kunnen bellen als er iets misgaat met de levering.\n",
    "prijs.md": "# Prijs\n\nEen lage prijs maakt een slechte service niet goed; klanten vertrekken toch.\n",
    "wachten.txt": "Lang wachten in de telefoonwachtrij ergert klanten het meest.\n",
    "website.md": "# Website\n\nHet telefoonnummer hoort zichtbaar op de website te staan.\n",
}
QUERIES = ["telefoonnummer op de website", "wachttijd aan de telefoon", "goedkoop maar slechte service"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not installed")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, ANONYMIZED_TELEMETRY="False"))
    try:
        for _ in range(300):  # bounded wait for the heartbeat (up to ~60 s)
            if proc.poll() is not None:
                pytest.fail(f"chroma exited with {proc.returncode}: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            if _heartbeat(port):
                break
            time.sleep(0.2)
        else:
            pytest.fail("chroma server did not answer its heartbeat")
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)
        log.close()


def _ingest_and_search(capsys, folder: Path) -> dict[str, list[str]]:
    code, out, err = run_jan(capsys, "ingest", folder)
    assert code == 0, err
    assert "4 added, 0 updated, 0 unchanged, 0 failed" in out
    results = {}
    for q in QUERIES:
        for mode in ("dense", "hybrid"):
            results[f"{mode}:{q}"] = [h["id"] for h in search_json(capsys, q, "--tag", "docs", "--mode", mode, "--k", "3")]
    return results


def test_server_and_embedded_store_agree(jan_env, tmp_path, capsys, monkeypatch, chroma_server):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")

    embedded = _ingest_and_search(capsys, folder)
    assert (tmp_path / "home" / "chroma").is_dir()

    server_home = tmp_path / "server-home"
    server_home.mkdir()
    monkeypatch.setenv("JAN_HOME", str(server_home))
    monkeypatch.setenv("JAN_CHROMA_URL", chroma_server)
    served = _ingest_and_search(capsys, folder)
    assert not (server_home / "chroma").exists()  # the vectors went to the server, not to a local store
    assert served == embedded
    assert all(ids for ids in served.values())
    top = search_json(capsys, "telefoonnummer op de website", "--tag", "docs", "--mode", "dense")
    assert top[0]["text"] == "Het telefoonnummer hoort zichtbaar op de website te staan."

    # idempotent against the server too, and removal deletes the vectors there
    code, out, err = run_jan(capsys, "ingest", folder)
    assert "0 added, 0 updated, 4 unchanged" in out
    code, out, err = run_jan(capsys, "ingest", "--remove", folder / "website.md")
    assert code == 0, err
    assert len(sources_json(capsys)) == 2 + 3
    top = search_json(capsys, "telefoonnummer op de website", "--tag", "docs", "--mode", "dense")
    assert all("zichtbaar op de website" not in h["text"] for h in top)


def test_unreachable_server_is_a_clear_error(jan_env, capsys, monkeypatch):
    monkeypatch.setenv("JAN_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    code, out, err = run_jan(capsys, "search", "bellen")
    assert code == 2, out + err
    assert "Traceback" not in err
    assert re.search(r"JAN_CHROMA_URL http://127\.0\.0\.1:\d+: cannot reach the Chroma server", err), err
