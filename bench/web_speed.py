"""How fast `aupgen serve` answers: a question page's serve time and a pack's ready time, printed beside targets.

    python bench/web_speed.py            # 50 question pages, 5 packs (no PDFs)

Both run through Flask's test client against the real app (the same code waitress serves), after
one warm-up request each, so the figures are aupgen's own time, not the network's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from aupgen.web import create_app  # noqa: E402
from web_helpers import SCOUTS, csrf, walk  # noqa: E402  (the web tests' walk through every question)

PAGE_TARGET, PACK_TARGET = 0.050, 1.0
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--packs", type=int, default=5)
    args = parser.parse_args()
    client = create_app({"AUPGEN_PDF": False}).test_client()
    walk(client, SCOUTS)
    page = "/questions/personal_devices"
    client.get(page)
    times = []
    for _ in range(args.pages):
        start = time.perf_counter()
        assert client.get(page).status_code == 200
        times.append(time.perf_counter() - start)
    print(f"question page served: median {statistics.median(times) * 1000:.1f} ms, slowest "
          f"{max(times) * 1000:.1f} ms  (target <= {PAGE_TARGET * 1000:.0f} ms)")
    token = csrf(client.get("/preview").get_data(as_text=True))
    packs = []
    for _ in range(args.packs + 1):
        start = time.perf_counter()
        assert client.post("/build", data={"csrf_token": token}).status_code == 302
        assert client.get("/download").status_code == 200
        packs.append(time.perf_counter() - start)
    packs = packs[1:]  # the first loads the renderer
    print(f"pack ready (built, zipped, downloaded): median {statistics.median(packs):.2f} s, slowest "
          f"{max(packs):.2f} s  (target <= {PACK_TARGET:.0f} s)")


if __name__ == "__main__":
    main()
