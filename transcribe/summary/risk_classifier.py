"""A learned risk classifier over dialogue windows: all-MiniLM-L6-v2 fine-tuned, on this host, to give each of
the seven risk categories a probability for a stretch of conversation (several utterances, whoever spoke).

People rarely disclose risk in one sentence a keyword list would catch: "The tablets. I've been saving
them." "How many?" "All of them since March." The disclosure is in the exchange, and the officer's reply
(a safety plan, a crisis line) often settles it. So the classifier reads windows of consecutive utterances
joined by :data:`TURN_SEPARATOR`, with no speaker labels: what it finds does not depend on diarisation having
separated the voices (roles decide attribution only). One window may disclose several categories (saving
tablets to take them all is self-harm and missed medication), so each category has its own sigmoid.

Training data (``transcribe/data/risk_training``, all written by separate writers who never saw the code):
dialogue windows (``windows_*.jsonl``: disclosures in euphemism, slang, third-party reports, spread over
turns, recogniser-garbled; and near misses, the same words innocent or the risk past and over) and single
utterances (``*.json``: disclosures, near misses and ordinary supervision talk). Training runs at install time
(``transcribe models install``, about 19 minutes on two CPU cores), so nothing is downloaded from a model hub
and the model can always be rebuilt from the repository; the model directory records a digest of the
training data, and a classifier trained on other data is refused until it is rebuilt. Thresholds are set in
:mod:`.risk_flags` on a development set; held-out figures are in ``benchmarks/HELDOUT.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..files import training_digest as files_digest
from .risk_cues import CATEGORIES

RISK_CLASSIFIER = "risk-classifier"  # its directory in the model cache
TRAINING_DATA = Path(__file__).resolve().parent.parent / "data" / "risk_training"
LABELS = tuple(CATEGORIES)
TURN_SEPARATOR = " | "
MAX_TOKENS = 256
RECIPE = "windows-1"  # part of the training digest: change it when training changes, so installs are rebuilt
_HEAD = "head.safetensors"
_CARD = "classifier.json"


def window_text(utterances: list[str]) -> str:
    """What the classifier reads: the utterances in order, without speakers."""
    return TURN_SEPARATOR.join(u.strip() for u in utterances if u.strip())


def read_lines(path: Path) -> list[dict]:
    """The JSON objects of a ``.jsonl`` file (dialogue windows), blank lines skipped."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def training_files() -> list[Path]:
    return sorted([*TRAINING_DATA.glob("*.json"), *TRAINING_DATA.glob("*.jsonl")])


def training_examples(files: list[Path] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """(text, categories) pairs from ``files`` (default: every training file): a window's categories, or an
    utterance's label (none for a near miss or ordinary talk)."""
    examples = []
    for path in training_files() if files is None else files:
        if path.suffix == ".jsonl":
            pairs = [(window_text([t["text"] for t in item["turns"]]), tuple(item["categories"]))
                     for item in read_lines(path)]
        else:
            pairs = [(item["text"], (item["label"],) if item["label"] else ())
                     for item in json.loads(path.read_text(encoding="utf-8"))["utterances"]]
        for text, categories in pairs:
            if unknown := set(categories) - set(LABELS):
                raise ValueError(f"{path.name}: unknown risk category {sorted(unknown)}")
            examples.append((text, categories))
    return examples


def ordinary_windows(files: list[Path], rng: np.random.RandomState, per_near_miss: int = 2,
                     strung: int = 800) -> list[tuple[str, tuple[str, ...]]]:
    """Windows with no risk, as most of a supervision session is: stretches of 2-4 turns cut from the
    near-miss windows, and 3-4 ordinary utterances strung together. The written windows are two-thirds
    disclosures; without these the classifier reads risk into the ordinary stretches of a whole session."""
    out, ordinary = [], []
    for path in files:
        if path.suffix == ".jsonl":
            for item in read_lines(path):
                if not item["categories"] and len(item["turns"]) > 2:
                    turns = [t["text"] for t in item["turns"]]
                    for _ in range(per_near_miss):
                        size = rng.randint(2, min(4, len(turns) - 1) + 1)
                        start = rng.randint(0, len(turns) - size + 1)
                        out.append((window_text(turns[start:start + size]), ()))
        else:
            ordinary += [item["text"] for item in json.loads(path.read_text(encoding="utf-8"))["utterances"]
                         if not item["label"]]
    for _ in range(strung if ordinary else 0):
        out.append((window_text([ordinary[i] for i in rng.choice(len(ordinary), rng.randint(3, 5))]), ()))
    return out


def training_digest(files: list[Path] | None = None) -> str:
    """sha256 over :data:`RECIPE` and ``files`` (default: every training file), in name order: the installed
    classifier is current while this is unchanged."""
    return files_digest(RECIPE, sorted(training_files() if files is None else files))


def is_current(directory: Path) -> bool:
    """Whether the classifier in ``directory`` was trained on the training data as it is now."""
    try:
        card = json.loads((Path(directory) / _CARD).read_text())
    except (OSError, ValueError):
        return False
    return card.get("training_digest") == training_digest() and tuple(card.get("labels", ())) == LABELS


def _network(encoder_dir: Path):
    import torch
    from transformers import AutoModel

    class Network(torch.nn.Module):
        """The sentence encoder, mean pooling (as all-MiniLM-L6-v2 pools), then one linear layer."""

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(encoder_dir), local_files_only=True)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, batch):
            tokens = self.encoder(**batch).last_hidden_state  # shape: (batch, tokens, hidden)
            mask = batch["attention_mask"].unsqueeze(-1).float()
            return self.head((tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9))

    return Network()


def train(base_dir: Path, target: Path, files: list[Path] | None = None, epochs: int = 5, batch_size: int = 16,
          seed: int = 0) -> None:
    """Fine-tune the sentence encoder in ``base_dir`` on :func:`training_examples` of ``files`` (default: all);
    write the classifier to ``target`` (encoder, tokenizer, head, and a card naming the labels and the
    training data's digest)."""
    from .. import runtime  # noqa: F401  (offline switches; CTranslate2 before torch)
    # isort: split
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    files = training_files() if files is None else files
    written = training_examples(files)
    examples = written + ordinary_windows(files, np.random.RandomState(seed))
    texts = [text for text, _ in examples]
    targets = np.zeros((len(examples), len(LABELS)), dtype=np.float32)
    for n, (_, categories) in enumerate(examples):
        targets[n, [LABELS.index(c) for c in categories]] = 1.0
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    torch.manual_seed(seed)
    network = _network(base_dir)
    optimiser = torch.optim.AdamW(network.parameters(), lr=5e-5, weight_decay=0.01)
    network.train()
    lengths = [len(text) for text in texts]
    for epoch in range(epochs):
        # Batches of texts of like length (windows run from one utterance to ten), in random order.
        rng = np.random.RandomState(seed + epoch)
        order = rng.permutation(len(texts))
        pools = [sorted(order[i:i + 16 * batch_size], key=lambda j: lengths[j])
                 for i in range(0, len(order), 16 * batch_size)]
        batches = [pool[i:i + batch_size] for pool in pools for i in range(0, len(pool), batch_size)]
        for b in rng.permutation(len(batches)):
            chosen = batches[b]
            batch = tokenizer([texts[i] for i in chosen], padding=True, truncation=True, max_length=MAX_TOKENS,
                              return_tensors="pt")
            loss = torch.nn.functional.binary_cross_entropy_with_logits(network(batch),
                                                                        torch.from_numpy(targets[chosen]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    network.encoder.save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    save_file({k: v.contiguous() for k, v in network.head.state_dict().items()}, str(target / _HEAD))
    (target / _CARD).write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2", "labels": list(LABELS), "output": "sigmoid per label",
        "input": f"utterances joined by {TURN_SEPARATOR!r}, no speakers", "examples": len(written),
        "ordinary_windows": len(examples) - len(written),
        "epochs": epochs, "batch_size": batch_size, "seed": seed, "training_digest": training_digest(files),
        "training_files": [p.name for p in files]}, indent=1) + "\n")


def load_risk_classifier(model_root: Path) -> RiskClassifier:
    """The installed classifier, refused if it was trained on other data than the committed training files."""
    from ..models import resolve_model_dir

    directory = resolve_model_dir(model_root, RISK_CLASSIFIER, "risk classifier")
    if not is_current(directory):
        raise ModelError(f"the risk classifier in {directory} was trained on other data than "
                         f"{TRAINING_DATA}: run `transcribe models install`")
    return RiskClassifier(directory)


class RiskClassifier:
    """Load once from a directory :func:`train` wrote; :meth:`predict` gives each text's probability of
    disclosing each category."""

    def __init__(self, directory: Path):
        from .. import runtime  # noqa: F401  (offline switches; CTranslate2 before torch)
        # isort: split
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        directory = Path(directory)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
            self.network = _network(directory)
            self.network.head.load_state_dict(load_file(str(directory / _HEAD)))
        except (OSError, ValueError, RuntimeError) as e:
            raise ModelError(f"cannot load the risk classifier from {directory}: {e}") from e
        self.network.eval()
        self._torch = torch

    def predict(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """``(len(texts), len(LABELS))`` probabilities, texts batched by length (less padding)."""
        torch = self._torch
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for i in range(0, len(order), batch_size):
                chosen = order[i:i + batch_size]
                batch = self.tokenizer([texts[k] for k in chosen], padding=True, truncation=True,
                                       max_length=MAX_TOKENS, return_tensors="pt")
                out[chosen] = torch.sigmoid(self.network(batch)).numpy()
        return out
