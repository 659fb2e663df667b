"""Write the article-level evaluation file (labels joined with the stream's text) for
``brinkwatch eval articles``. The output holds article text: keep it out of the repository
(the default is under artifacts/, which git ignores).

    python scripts/article_eval_file.py [--labels tests/data/article_labels.jsonl]
        [--out artifacts/article_eval.jsonl]
    brinkwatch eval articles artifacts/article_eval.jsonl --errors 10
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.evaluation.labelled_stream import STREAM_PATH, labelled_articles

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=ROOT / "tests/data/article_labels.jsonl")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts/article_eval.jsonl")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for record in labelled_articles(args.labels, args.shared / STREAM_PATH):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    print(f"wrote {count} labelled articles to {args.out}")


if __name__ == "__main__":
    main()
