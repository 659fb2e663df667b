"""Per-article cost of the domain pipeline (validate, tag, detect; serialise apart) on typical
3 KB articles.

Each article is timed stage by stage with ``time.perf_counter_ns`` (``--clock cpu``: the CPU
time of the thread, ``time.thread_time_ns``) in one process, pinned to one CPU; the garbage
collector stays on (it runs in production too). After a warm-up pass the article set is timed
``--passes`` times; for each stage the reported figures come from the pass with the lowest
median (best of N), because on a shared machine the other passes mostly measure other
processes. The median over all passes is printed too, with the load average.

Articles: bodies of 2.5-3.5 KB (UTF-8) from the 2016 news stream when it is present, otherwise
generated from sentence templates. Usage::

    .venv/bin/python scripts/bench_domain.py [--articles 300] [--passes 15] [--clock wall|cpu]
        [--json FILE] [--baseline-engine SO | --baseline-checkout DIR | --collector-batch N]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain import engine as current_engine
from app.domain import validation
from app.domain.engine import describe as describe_engine
from app.domain.escalation.detector import load_judgement_model
from app.domain.escalation.ruleset import load_ruleset
from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.settings import Settings
from app.streaming.collector import settle_heap
from app.streaming.records import json_bytes

STREAM = Path(__file__).resolve().parents[2] / "shared/data/articles/news_stream_2016H1.jsonl"
MIN_BODY_BYTES = 2500
MAX_BODY_BYTES = 3500
# ``total`` is the budget's: validate + tag + detect. ``serialise`` (the valid and tagged
# records, and the alert when there is one, as the stages serialise them) is timed apart.
STAGES = ("validate", "tag", "detect", "total", "serialise")
# Validation compares published_at with "now"; the stream is from 2016, so any later time works.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Sample:
    """One article as the raw bytes a producer would send."""

    article_id: str
    payload: bytes


def stream_articles(path: Path, limit: int) -> list[Sample]:
    """Articles of typical size from the news stream, in file order."""
    samples: list[Sample] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record.get("text") or ""
            if not MIN_BODY_BYTES <= len(text.encode("utf-8")) <= MAX_BODY_BYTES:
                continue
            raw = {
                "url": record["url"],
                "title": record["title"],
                "body": text,
                "published_at": record["date"],
            }
            samples.append(Sample(str(record["id"]), json.dumps(raw).encode("utf-8")))
            if len(samples) >= limit:
                break
    return samples


# Fallback text: made-up sentences in news style with places, people, conflict, business and
# sport vocabulary, so every tagger and rule family has something to do.
_COUNTRIES = (
    "Russia", "Ukraine", "China", "Japan", "North Korea", "South Korea", "Iran", "Israel",
    "Turkey", "Syria", "France", "Germany", "Britain", "the United States", "India", "Pakistan",
    "Brazil", "Nigeria", "Egypt", "Saudi Arabia",
)  # fmt: skip
_PEOPLE = ("Vladimir Putin", "Xi Jinping", "Angela Merkel", "Barack Obama", "Narendra Modi")
_CAPITALS = ("Moscow", "Beijing", "Tehran", "Kyiv", "Pyongyang", "Seoul", "Ankara", "Paris")
_TEMPLATES = (
    "Officials in {capital} said on {day} that talks with {country} would resume next week.",
    "{person} told reporters that {country} had no plans to raise interest rates this year.",
    "The ministry accused {country} of violating the ceasefire along the border overnight.",
    "{country} recalled its ambassador from {country2} after the dispute over the islands.",
    "Shares in the company fell 4 percent after it cut its profit forecast for the quarter.",
    "Analysts at the central bank expect inflation to slow as oil prices keep falling.",
    "Troops were deployed near the frontier, and artillery fire was heard late on {day}.",
    "The striker scored twice as the home side won the match 3-1 in front of 40,000 fans.",
    "Researchers said the new vaccine trial had enrolled more than 2,000 patients.",
    "{person} threatened sanctions against {country} if the missile tests continued.",
    "Protesters gathered outside parliament in {capital} to demand new elections.",
    "The film, which premiered at the festival, won praise from critics and audiences.",
    "Police arrested three men suspected of planning an attack on a shopping centre.",
    "Floods after days of heavy rain forced thousands of people to leave their homes.",
    "A spokesman for {country} denied the report and called it an attempt to sow discord.",
    "The government in {capital} announced a budget that raises spending on defence.",
    "Negotiators from {country} and {country2} signed a trade agreement on {day}.",
    "The software maker unveiled a smartphone app that encrypts every message by default.",
    "Election officials said turnout was higher than at any vote in the past decade.",
    "{country2} warned that any incursion would be met with a firm military response.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def generated_articles(count: int, seed: int = 2016) -> list[Sample]:
    """Template articles with 2.5-3.5 KB bodies (deterministic for a given seed)."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    for n in range(count):
        target = rng.randint(MIN_BODY_BYTES + 100, MAX_BODY_BYTES - 200)
        paragraphs: list[str] = []
        size = 0
        while size < target:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                country, country2 = rng.sample(_COUNTRIES, 2)
                sentence = rng.choice(_TEMPLATES).format(
                    country=country,
                    country2=country2,
                    person=rng.choice(_PEOPLE),
                    capital=rng.choice(_CAPITALS),
                    day=rng.choice(_DAYS),
                )
                sentences.append(sentence[0].upper() + sentence[1:])
            paragraphs.append(" ".join(sentences))
            size += len(paragraphs[-1]) + 2
        body = "\n\n".join(paragraphs)[:MAX_BODY_BYTES]
        title = rng.choice(_TEMPLATES).format(
            country=rng.choice(_COUNTRIES),
            country2=rng.choice(_COUNTRIES),
            person=rng.choice(_PEOPLE),
            capital=rng.choice(_CAPITALS),
            day=rng.choice(_DAYS),
        )
        raw = {
            "url": f"https://news.example.org/generated/{n}",
            "title": title.rstrip("."),
            "body": body,
            "published_at": "2016-03-01T12:00:00Z",
        }
        samples.append(Sample(f"generated-{n}", json.dumps(raw).encode("utf-8")))
    return samples


# The wall clock, or the CPU time of this thread: on a shared machine the latter leaves out
# the time slices other processes take on our core (a call costs about 1.2 us here, 0.5 for
# the wall clock), so two versions compare with less noise.
CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}


def time_pass(
    pipeline: Pipeline, samples: list[Sample], clock: Callable[[], int] = time.perf_counter_ns
) -> dict[str, list[int]]:
    """Nanoseconds per article for each stage and in total, for one pass over the samples."""
    times: dict[str, list[int]] = {stage: [] for stage in STAGES}
    for sample in samples:
        t0 = clock()
        article = pipeline.validate(sample.payload, NOW)
        t1 = clock()
        if isinstance(article, Rejection):
            raise SystemExit(f"{sample.article_id} rejected: {article.reason}")
        tagged = pipeline.tag(article)
        t2 = clock()
        _, alert = pipeline.detect(tagged, NOW)
        t3 = clock()
        json_bytes(article)
        json_bytes(tagged)
        if alert is not None:
            json_bytes(alert)
        t4 = clock()
        times["validate"].append(t1 - t0)
        times["tag"].append(t2 - t1)
        times["detect"].append(t3 - t2)
        times["total"].append(t3 - t0)
        times["serialise"].append(t4 - t3)
    return times


def load_build(path: Path) -> Any:
    """Another build of the engine (an ``app/_native*.so`` from another checkout), loaded
    beside this one: two extension files are two modules, whatever their names."""
    spec = importlib.util.spec_from_file_location("_native", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"not an extension module: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare_engines(
    pipeline: Pipeline,
    samples: list[Sample],
    baseline: Path,
    rounds: int,
    clock: Callable[[], int],
) -> list[str]:
    """The engine's detect call (and its whitespace pass, as a control) with this build and
    with ``baseline``, on the same tagged articles in one process: each article goes to both
    builds in turn, the order alternating, so the machine's drift hits both alike. Returns
    the table's lines: the median of the per-round medians, and this/baseline per round."""
    settings = Settings()
    rules = load_ruleset(settings.rules_path).model_dump()
    model = (
        load_judgement_model(settings.judgement_model_path)
        if settings.judgement == "learned"
        else None
    )
    builds = [current_engine._native, load_build(baseline)]
    detectors = [build.EscalationEngine(rules, settings.judgement, model) for build in builds]
    tagged = []
    for sample in samples:
        article = pipeline.validate(sample.payload, NOW)
        if isinstance(article, Rejection):
            raise SystemExit(f"{sample.article_id} rejected: {article.reason}")
        tagged.append(pipeline.tag(article))
    medians: dict[str, list[list[float]]] = {"detect": [[], []], "whitespace": [[], []]}
    for round_ in range(rounds + 1):  # round 0 warms up
        runs: dict[str, list[list[int]]] = {key: [[], []] for key in medians}
        for n, article in enumerate(tagged):
            for k in (0, 1) if (n + round_) % 2 == 0 else (1, 0):
                t0 = clock()
                detectors[k].detect(article)
                t1 = clock()
                builds[k].normalize_whitespace(article.body)
                t2 = clock()
                runs["detect"][k].append(t1 - t0)
                runs["whitespace"][k].append(t2 - t1)
        if round_:
            for key, (this, other) in runs.items():
                medians[key][0].append(statistics.median(this) / 1000)
                medians[key][1].append(statistics.median(other) / 1000)
    lines = [f"{'call':<11}{'this':>9}{'baseline':>10}{'ratio':>8}  ratio per round"]
    for key, (this_us, base_us) in medians.items():
        ratios = [a / b for a, b in zip(this_us, base_us, strict=True)]
        lines.append(
            f"{key:<11}{statistics.median(this_us):>9.1f}{statistics.median(base_us):>10.1f}"
            f"{statistics.median(ratios):>8.3f}  {min(ratios):.3f}-{max(ratios):.3f}"
        )
    return lines


def compare_validation(
    samples: list[Sample], checkout: Path, rounds: int, clock: Callable[[], int]
) -> list[str]:
    """The validate stage (``validate_article``) of this checkout and of ``checkout``'s
    ``app/domain/validation.py`` (loaded from its file; the engine and the schemas are this
    checkout's), on the same payloads in one process, alternating as ``compare_engines`` does.
    """
    spec = importlib.util.spec_from_file_location(
        "baseline_validation", checkout / "app" / "domain" / "validation.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"no app/domain/validation.py in {checkout}")
    baseline = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = baseline  # dataclasses look their module up while it loads
    spec.loader.exec_module(baseline)
    limits = Pipeline.from_settings(Settings()).limits
    validators = [validation.validate_article, baseline.validate_article]
    per_round: list[list[float]] = [[], []]
    for round_ in range(rounds + 1):  # round 0 warms up
        runs: list[list[int]] = [[], []]
        for n, sample in enumerate(samples):
            for k in (0, 1) if (n + round_) % 2 == 0 else (1, 0):
                t0 = clock()
                validators[k](sample.payload, limits, NOW)
                runs[k].append(clock() - t0)
        if round_:
            for k in (0, 1):
                per_round[k].append(statistics.median(runs[k]) / 1000)
    ratios = [a / b for a, b in zip(*per_round, strict=True)]
    return [
        f"{'call':<11}{'this':>9}{'baseline':>10}{'ratio':>8}  ratio per round",
        f"{'validate':<11}{statistics.median(per_round[0]):>9.1f}"
        f"{statistics.median(per_round[1]):>10.1f}{statistics.median(ratios):>8.3f}  "
        f"{min(ratios):.3f}-{max(ratios):.3f}",
    ]


def compare_collector(
    pipeline: Pipeline, samples: list[Sample], batch: int, rounds: int
) -> list[str]:
    """The pipeline over batches of ``batch`` articles, each batch's outputs held until the
    batch ends (as the worker holds them while it publishes), with the garbage collector as
    Python leaves it and as ``settle_heap`` sets it (the worker's), alternating round by round
    in one process: CPU time of the thread per article, and the part spent collecting."""
    collecting = [0, 0]  # nanoseconds spent collecting, when the current collection started

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting[1] = time.thread_time_ns()
        else:
            collecting[0] += time.thread_time_ns() - collecting[1]

    python_default = gc.get_threshold()
    figures: dict[str, tuple[list[float], list[float]]] = {"python": ([], []), "settled": ([], [])}
    gc.callbacks.append(watch)
    try:
        for round_ in range(rounds + 1):  # round 0 warms up
            for mode in ("python", "settled") if round_ % 2 else ("settled", "python"):
                if mode == "settled":
                    settle_heap()
                else:
                    gc.unfreeze()
                    gc.set_threshold(*python_default)
                collecting[0] = 0
                started = time.thread_time_ns()
                for first in range(0, len(samples), batch):
                    held = []
                    for sample in samples[first : first + batch]:
                        article = pipeline.validate(sample.payload, NOW)
                        if isinstance(article, Rejection):
                            raise SystemExit(f"{sample.article_id} rejected: {article.reason}")
                        tagged = pipeline.tag(article)
                        _, alert = pipeline.detect(tagged, NOW)
                        held.append((tagged, alert, json_bytes(article), json_bytes(tagged)))
                    del held
                if round_:
                    per_article = (time.thread_time_ns() - started) / len(samples) / 1000
                    figures[mode][0].append(per_article)
                    figures[mode][1].append(collecting[0] / len(samples) / 1000)
    finally:
        gc.callbacks.remove(watch)
    lines = [f"{'collector':<10}{'CPU/article':>12}{'collecting':>12}  (us, median of rounds)"]
    for mode, (cpu, collected) in figures.items():
        lines.append(
            f"{mode:<10}{statistics.median(cpu):>12.1f}{statistics.median(collected):>12.1f}"
        )
    ratios = [a / b for a, b in zip(figures["settled"][0], figures["python"][0], strict=True)]
    lines.append(
        f"settled/python CPU per article: {statistics.median(ratios):.3f} "
        f"({min(ratios):.3f}-{max(ratios):.3f} per round)"
    )
    return lines


def percentile(values: list[int], q: float) -> float:
    """The q-quantile (0-1) by the nearest-rank method, in microseconds."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[rank] / 1000


def summarise(passes: list[dict[str, list[int]]]) -> dict[str, dict[str, float]]:
    """Per stage: median, p90, p99 of the best pass (lowest median); for comparison the median
    over all passes, the worst pass's median, and the median of each article's fastest run."""
    result: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        medians = [statistics.median(p[stage]) / 1000 for p in passes]
        best = passes[medians.index(min(medians))][stage]
        pooled = [v for p in passes for v in p[stage]]
        fastest = [min(runs) for runs in zip(*(p[stage] for p in passes), strict=True)]
        result[stage] = {
            "median_us": round(percentile(best, 0.5), 1),
            "p90_us": round(percentile(best, 0.9), 1),
            "p99_us": round(percentile(best, 0.99), 1),
            "median_all_passes_us": round(statistics.median(pooled) / 1000, 1),
            "worst_pass_median_us": round(max(medians), 1),
            "median_of_fastest_us": round(statistics.median(fastest) / 1000, 1),
        }
    return result


def pin(cpu: int | None) -> list[int]:
    """Pin this process to one CPU (the last one available unless told); return the set."""
    if not hasattr(os, "sched_setaffinity"):
        return []
    allowed = sorted(os.sched_getaffinity(0))
    chosen = allowed[-1] if cpu is None else cpu
    os.sched_setaffinity(0, {chosen})
    return sorted(os.sched_getaffinity(0))


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": model,
        "cpus": os.cpu_count(),
    }


def _rows(summary: dict[str, dict[str, float]]) -> Iterator[str]:
    yield (
        f"{'stage':<9}{'median':>9}{'p90':>9}{'p99':>9}"
        f"{'all passes':>12}{'worst pass':>12}{'fastest run':>13}"
    )
    for stage, row in summary.items():
        yield (
            f"{stage:<9}{row['median_us']:>9.1f}{row['p90_us']:>9.1f}{row['p99_us']:>9.1f}"
            f"{row['median_all_passes_us']:>12.1f}{row['worst_pass_median_us']:>12.1f}"
            f"{row['median_of_fastest_us']:>13.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (microseconds per article)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=300, help="articles per pass")
    parser.add_argument("--passes", type=int, default=15, help="timed passes after the warm-up")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: last)")
    parser.add_argument("--generated", action="store_true", help="template articles only")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="wall", help="what is timed (default: wall)"
    )
    parser.add_argument(
        "--baseline-engine",
        type=Path,
        default=None,
        help="instead: time the engine's detect call against this build (another checkout's "
        "app/_native*.so) in the same process, --passes rounds",
    )
    parser.add_argument(
        "--baseline-checkout",
        type=Path,
        default=None,
        help="instead: time the validate stage against this checkout's "
        "app/domain/validation.py in the same process, --passes rounds",
    )
    parser.add_argument(
        "--collector-batch",
        type=int,
        default=None,
        metavar="N",
        help="instead: the pipeline over batches of N articles with Python's garbage collector "
        "settings and with the worker's (settle_heap), alternating, --passes rounds "
        "(use --articles 2000 or more: full collections are rare)",
    )
    args = parser.parse_args(argv)

    cpus = pin(args.cpu)
    if STREAM.exists() and not args.generated:
        samples, source = stream_articles(STREAM, args.articles), STREAM.name
    else:
        samples, source = generated_articles(args.articles), "generated from templates"
    pipeline = Pipeline.from_settings(Settings())
    engine = describe_engine()
    if args.baseline_engine is not None:
        print(f"{len(samples)} articles ({source}), pinned to CPU {cpus}, {args.clock} clock")
        print(f"this {engine}\nbaseline: {args.baseline_engine}")
        print("microseconds per call: median over rounds of each round's median")
        for line in compare_engines(
            pipeline, samples, args.baseline_engine, args.passes, CLOCKS[args.clock]
        ):
            print(line)
        return 0
    if args.collector_batch is not None:
        print(
            f"{len(samples)} articles ({source}) in batches of {args.collector_batch}, "
            f"pinned to CPU {cpus}, CPU clock"
        )
        for line in compare_collector(pipeline, samples, args.collector_batch, args.passes):
            print(line)
        return 0
    if args.baseline_checkout is not None:
        print(f"{len(samples)} articles ({source}), pinned to CPU {cpus}, {args.clock} clock")
        print(f"baseline: {args.baseline_checkout}")
        print("microseconds per call: median over rounds of each round's median")
        for line in compare_validation(
            samples, args.baseline_checkout, args.passes, CLOCKS[args.clock]
        ):
            print(line)
        return 0
    payload_bytes = [len(s.payload) for s in samples]
    load_before = os.getloadavg()
    clock = CLOCKS[args.clock]
    time_pass(pipeline, samples, clock)  # warm-up: caches, lazy imports, branch predictors
    wall_started, cpu_started = time.perf_counter_ns(), time.process_time_ns()
    passes = [time_pass(pipeline, samples, clock) for _ in range(args.passes)]
    # Share of the wall time this process was on a CPU: well under 1 means other processes
    # took turns on our core and the wall-clock figures include their time slices.
    cpu_share = (time.process_time_ns() - cpu_started) / (time.perf_counter_ns() - wall_started)
    load_after = os.getloadavg()
    summary = summarise(passes)

    print(
        f"{len(samples)} articles ({source}; payloads {min(payload_bytes)}-{max(payload_bytes)} B, "
        f"median {statistics.median(payload_bytes):.0f} B), {args.passes} passes after a warm-up, "
        f"pinned to CPU {cpus}, gc on"
    )
    print(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} (1 and 5 min)"
    )
    print(f"this process was on the CPU {cpu_share:.0%} of the timed wall time")
    print(engine)
    print(
        f"microseconds per article ({args.clock} clock); median/p90/p99 from the pass with the "
        "lowest "
        "median;\nthen the median over all passes, the worst pass's median and the median of "
        "each article's fastest run"
    )
    for row in _rows(summary):
        print(row)
    if args.json is not None:
        report = {
            "source": source,
            "articles": len(samples),
            "passes": args.passes,
            "pinned_cpus": cpus,
            "gc_enabled": True,
            "clock": args.clock,
            "engine": engine,
            "cpu_share": round(cpu_share, 3),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "machine": machine(),
            "stages_us": summary,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
