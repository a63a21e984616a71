"""The wheel, installed as a new user installs it, is a working tool: a fresh `python3 -m venv`
with the pip it brings (no upgrade), `pip install` of the built wheel, and `newsdao` run from an
empty folder, with nothing of this checkout on its path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import feedparser
import pytest

import crawler
from tests.conftest import PUBLISHED_PATHS, ROOT, write_demo_sources

# What a wheel is built from: the project's own files (a copy, so the build writes nothing here).
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", "crawler", "exporters")


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.slow
def test_the_wheel_installs_with_the_pip_of_a_new_venv_and_runs_from_an_empty_folder(tmp_path, demo_site):
    # Nothing of this checkout or of the caller's settings: PATH leads to the new venv first.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWS_", "SCRAPY_", "PYTHON", "VIRTUAL_ENV"))}
    if "faketime" in os.environ.get("LD_PRELOAD", ""):  # make test-tomorrow: keep its time.sleep mend
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    pip_version = run([*pip, "--version"], tmp_path, env).stdout.split()[1]

    source = tmp_path / "source"
    source.mkdir()
    for name in PROJECT_FILES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}))  # fmt: skip
    run([*pip, "wheel", "--no-deps", "--wheel-dir", str(tmp_path / "dist"), str(source)], tmp_path, env)
    [wheel] = (tmp_path / "dist").glob("newsdao_crawler-*.whl")
    assert wheel.name.startswith(f"newsdao_crawler-{crawler.__version__}-py3-none-any")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"newsdao_crawler-{crawler.__version__}.dist-info/METADATA").decode()
    for data in (
        "crawler/starter/sources.example.toml", "crawler/starter/datasette/metadata.json",
        "crawler/starter/datasette/plugins/news_search.py", "exporters/jekyll_site/_config.yml",
        "exporters/jekyll_site/_layouts/post.html", f"newsdao_crawler-{crawler.__version__}.dist-info/licenses/LICENSE",
    ):  # fmt: skip
        assert data in names, data
    assert "License-Expression: MIT" in metadata and "Requires-Dist: lxml_html_clean" in metadata

    run([*pip, "install", "--quiet", str(wheel)], tmp_path, env)
    assert run([*pip, "--version"], tmp_path, env).stdout.split()[1] == pip_version  # not upgraded

    home = tmp_path / "empty"
    home.mkdir()
    newsdao = str(venv / "bin" / "newsdao")
    assert run([newsdao, "--version"], home, env).stdout == f"newsdao {crawler.__version__}\n"
    where = run([str(venv / "bin" / "python"), "-c", "import crawler; print(crawler.__file__)"], home, env)
    assert where.stdout.startswith(str(venv))  # the installed package, not this checkout
    run([newsdao, "init", "site"], home, env)
    site = home / "site"
    write_demo_sources(demo_site, site / "sources.toml")  # the user's sources: here the demo site

    update = subprocess.run(
        [newsdao, "update", "-o", "out"], cwd=site, env=env, capture_output=True, text=True, timeout=300
    )
    assert update.returncode == 0, update.stdout + update.stderr
    assert update.stderr == ""
    assert update.stdout.splitlines()[-1].startswith("update: 2 sources, 0 failed; export ")
    assert (site / "data" / "news.db").is_file()  # the settings file init wrote: NEWS_DB_PATH
    assert "Spider closed (finished)" in (site / "data" / "newsdao.log").read_text(encoding="utf-8")

    feeds = site / "out" / "feeds"
    expected = {f"{demo_site}{path}" for path in PUBLISHED_PATHS}
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((feeds / name).read_bytes())
        assert not parsed.bozo, (name, parsed.bozo_exception)
        assert {entry.link for entry in parsed.entries} == expected, name
    feed = json.loads((feeds / "feed.json").read_text(encoding="utf-8"))
    assert {item["url"] for item in feed["items"]} == expected
    assert len(list((site / "out" / "_posts").glob("*.md"))) == len(expected)
