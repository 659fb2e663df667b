"""Write the incident evaluation file (pair labels joined with the stream's text) for
``brinkwatch eval incidents``. The output holds article text: keep it out of the repository
(the default is under artifacts/, which git ignores).

    python scripts/build_incident_eval.py [--pairs tests/data/incident_pairs.jsonl]
        [--out artifacts/incident_eval.jsonl]
    brinkwatch eval incidents artifacts/incident_eval.jsonl

Each output line is ``{"a": ARTICLE, "b": ARTICLE, "same": bool, "hard": bool}`` with ARTICLE in
the input format of ``articles.raw``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.evaluation.jsonl import read_records
from app.evaluation.labelled_stream import STREAM_PATH, stream_articles

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests/data/incident_pairs.jsonl")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts/incident_eval.jsonl")
    args = parser.parse_args()
    stream = args.shared / STREAM_PATH
    if not stream.exists():
        sys.exit(f"the 2016 stream is not at {stream} (pass --shared)")
    pairs = [record for _, record in read_records(args.pairs)]
    articles = stream_articles(stream, {p["a_id"] for p in pairs} | {p["b_id"] for p in pairs})
    missing = sorted({p[k] for p in pairs for k in ("a_id", "b_id")} - articles.keys())
    if missing:
        sys.exit(f"{len(missing)} labelled ids are not in the stream, e.g. {missing[0]!r}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for pair in pairs:
            record = {
                "a": articles[pair["a_id"]],
                "b": articles[pair["b_id"]],
                "same": bool(pair["same"]),
                "hard": bool(pair.get("hard", False)),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(pairs)} labelled pairs to {args.out}")


if __name__ == "__main__":
    main()
