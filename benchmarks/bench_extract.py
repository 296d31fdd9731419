"""Pages per second extracting main text from the raw-response cache, beside bare trafilatura.

The 60 saved pages of ../shared/data/extraction/zyte-dev are put in a real corpus cache
(content-addressed, gzip) as if fetched; each method then reads every page from the cache and
extracts its text. The baseline, measured in the same run on the same cached pages, is bare
``trafilatura.extract`` with its defaults; "ratio" is pages/s divided by the baseline's. The
median token F1 against the gold text is printed beside the speed (see docs/evaluation.md).

    .venv/bin/python benchmarks/bench_extract.py [--repeat 3] [--data ../shared/data/extraction/zyte-dev]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

from policytext import open_corpus
from policytext.collect.cache import CachedResponse, ResponseCache
from policytext.collect.html_text import decode_html, extract_html
from policytext.collect.fetch import Fetcher
from policytext.evaluation.extraction import iter_pages, score_tokens

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "extraction" / "zyte-dev")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"needs the saved pages at {args.data} (../shared/data/extraction/zyte-dev)", file=sys.stderr)
        return 1

    pages = list(iter_pages(args.data))
    gold = {f"https://bench.invalid/{page_id}": text for page_id, _, text, _ in pages}
    work = Path(tempfile.mkdtemp(prefix="policytext-bench-extract-"))
    try:
        with open_corpus(work / "corpus", create=True) as corpus:
            cache = ResponseCache(corpus.path / "cache", corpus.store)
            for page_id, _, _, html in pages:
                digest = cache.put_body(html)
                cache.record(CachedResponse(
                    url=f"https://bench.invalid/{page_id}", final_url=f"https://bench.invalid/{page_id}",
                    status=200, content_type="text/html", charset=None, etag=None, last_modified=None,
                    body_sha256=digest, body_bytes=len(html), fetched_at="2026-01-01T00:00:00+00:00"))
            fetcher = Fetcher(corpus.config, cache=cache)
            urls = list(gold)
            cache_bytes = sum(p.stat().st_size for p in (corpus.path / "cache").glob("*/*.gz"))

            def read_cache() -> dict[str, str]:
                return {url: "" for url in urls if fetcher.load_cached(url) is not None}

            def bare_trafilatura() -> dict[str, str]:
                out = {}
                for url in urls:
                    cached = fetcher.load_cached(url)
                    html, _ = decode_html(cached.body)
                    out[url] = trafilatura.extract(html, url=url) or ""
                return out

            def policytext_extract() -> dict[str, str]:
                out = {}
                for url in urls:
                    cached = fetcher.load_cached(url)
                    page = extract_html(cached.body, url=url, charset=cached.charset)
                    out[url] = page.text if page else ""
                return out

            def same_options() -> dict[str, str]:
                out = {}
                for url in urls:
                    cached = fetcher.load_cached(url)
                    html, _ = decode_html(cached.body, declared=cached.charset)
                    result = trafilatura.bare_extraction(
                        html, url=url, include_comments=False, include_tables=True,
                        favor_precision=True, with_metadata=True,
                        date_extraction_params={"original_date": True, "extensive_search": False})
                    out[url] = (result.as_dict().get("text") if result else "") or ""
                return out

            methods = [("read cache only (floor)", read_cache),
                       ("bare trafilatura.extract (baseline)", bare_trafilatura),
                       ("trafilatura, policytext's options", same_options),
                       ("policytext extract_html", policytext_extract)]
            # Methods take turns in each round, so a busy machine slows them alike.
            timings: dict[str, list[float]] = {name: [] for name, _ in methods}
            texts: dict[str, dict[str, str]] = {}
            for _ in range(args.repeat):
                for name, function in methods:
                    start = time.perf_counter()
                    texts[name] = function()
                    timings[name].append(time.perf_counter() - start)
            results = []
            for name, _ in methods:
                seconds = statistics.median(timings[name])
                f1 = (statistics.median(score_tokens(texts[name][u], gold[u])[2] for u in urls)
                      if any(texts[name].values()) else None)
                results.append((name, len(urls) / seconds, seconds, f1))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    baseline = results[1][1]
    raw_bytes = sum(len(html) for *_, html in pages)
    print(f"Extraction from the raw cache: {len(urls)} pages, {raw_bytes / 1e6:.1f} MB of HTML "
          f"({cache_bytes / 1e6:.1f} MB gzip in the cache), median of {args.repeat} runs")
    print(f"{'method':<38} {'pages/s':>9} {'seconds':>8} {'ratio':>6} {'median F1':>10}")
    for name, rate, seconds, f1 in results:
        f1_text = f"{f1:.3f}" if f1 is not None else "-"
        print(f"{name:<38} {rate:>9.1f} {seconds:>8.2f} {rate / baseline:>6.2f} {f1_text:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
