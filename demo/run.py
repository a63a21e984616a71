"""`make demo`: serve the bundled demo site, crawl it, export, and say where everything is.

The site is served on a fixed port (8765, or DEMO_PORT) so that its URLs, and therefore the
archive and every exported byte, are the same from one run to the next. Outputs go to
output/demo/ (or DEMO_OUTPUT).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from demo import server  # noqa: E402

DEFAULT_PORT = 8765


def main() -> int:
    port = int(os.environ.get("DEMO_PORT", DEFAULT_PORT))
    out = Path(os.environ.get("DEMO_OUTPUT", ROOT / "output" / "demo")).resolve()
    site = server.start(port=port)
    base = f"http://127.0.0.1:{site.server_address[1]}"
    out.mkdir(parents=True, exist_ok=True)
    sources = out / "sources.toml"
    sources.write_text(
        (HERE / "sources.toml").read_text(encoding="utf-8").replace(f"http://127.0.0.1:{DEFAULT_PORT}", base),
        encoding="utf-8",
    )
    settings = ["-s", f"NEWS_SOURCES_FILE={sources}", "-s", f"NEWS_DB_PATH={out / 'news.db'}"]
    scrapy = [sys.executable, "-m", "scrapy"]
    print(f"Demo site: {base}/", flush=True)
    crawl = subprocess.run([*scrapy, "crawl", "news", *settings, "-s", "LOG_LEVEL=WARNING"], cwd=ROOT)
    if crawl.returncode != 0:
        print("The crawl failed.", file=sys.stderr)
        return crawl.returncode
    export = subprocess.run([*scrapy, "export", *settings, "-o", str(out / "site")], cwd=ROOT)
    site.shutdown()
    site.server_close()
    if export.returncode != 0:
        print("The export failed.", file=sys.stderr)
        return export.returncode
    print(f"Sources file: {sources}")
    print("Done. Open the posts folder or subscribe to the feeds above.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
