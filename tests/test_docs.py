"""The README documents every command and every project setting, and the demo command works."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from crawler import settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split()[:2] for line in first_block.strip().splitlines()] == [
        ["make", "demo"],
        ["make", "test"],
    ]


@pytest.mark.parametrize("name", [n for n in dir(settings) if n.startswith("NEWS_")])
def test_every_project_setting_is_in_the_readme(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize(
    "command", ["crawl news", "export", "list", "update", "watch", "probe", "sources", "search", "ingest"]
)
def test_every_command_is_in_the_readme(command):
    assert f"scrapy {command}" in README


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.slow
def test_the_demo_command_crawls_exports_and_prints_every_output(tmp_path):
    with socket.socket() as probe:  # a free port, so a running demo on 8765 does not collide
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, DEMO_PORT=str(port), DEMO_OUTPUT=str(tmp_path / "demo"))
    result = subprocess.run(
        [sys.executable, "demo/run.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    printed = re.findall(r"^(?:Archive|Posts|Feeds|OPML|Index|Sources file):\s+(\S+)", result.stdout, re.M)
    assert len(printed) == 6
    for path in printed:
        assert os.path.exists(path.rstrip("/")), path
    assert "(18 posts)" in result.stdout and "(15 feeds" in result.stdout  # 10 + 8 partner stories
