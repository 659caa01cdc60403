"""A learned tagger of what to redact, trained on this host on the labelled tuning sets.

The rules find identifiers by format, word lists and cues, and each new writer of a labelled set finds a way of
saying a name, a place or a piece of a number that no rule foresaw: a nickname in lower case, a venue named with
everyday words, a district after an unusual verb. The tagger reads every word in its context and learns from all
the tuning sets at once what the rules were grown from one case at a time.

It is all-MiniLM-L6-v2 with one linear layer over its word pieces, fine-tuned at install time
(``transcribe models install``, 9-12 minutes on two CPU cores) on the tuning sets in
``benchmarks/data/pii`` (:data:`TRAINING_SETS`; the held-out sets are never trained on), then exported to ONNX
and quantised to int8, which runs it about three times faster on the CPU. Each word piece gets the probability
of five classes (:data:`CLASSES`: nothing, a person, a place or address, a date of birth, an identifier).
Utterances are packed whole into windows of at most :data:`MAX_TOKENS` pieces, as in training. A word whose
pieces say "something" with :data:`THRESHOLD` or more becomes a span of its likeliest class, and neighbouring
words of one class join; dates of birth and identifiers where their own class is at :data:`STRUCTURED_THRESHOLD`.
The engine adds its spans only where no rule found anything, and dates of birth and identifiers only where the rules
would not keep them readable. The model directory records a digest of the training data; a tagger trained on other
data is refused until it is rebuilt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..files import training_digest as files_digest
from .lexicons import is_decoy_word
from .name_model import SURE_THRESHOLD, never_a_name, trimmed
from .onnx_session import cpu_session
from .spans import Document, Span

TAGGER = "redaction-tagger"  # its directory in the model cache
TRAINING_DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "pii"
TRAINING_SETS = ("garbled", "ordinary", "mixed", "fifth", "sixth", "seventh", "eighth", "ninth", "eleventh", "twelfth",
                 "fourteenth", "fifteenth", "eighteenth", "twentieth", "twentysecond", "twentyfourth", "twentysixth",
                 "twentyeighth", "twentyninth")
CLASSES = ("O", "PERSON", "PLACE", "DATE_OF_BIRTH", "IDENTIFIER")
_CLASS_OF_LABEL = {"PERSON": 1, "LOCATION": 2, "ADDRESS": 2, "DATE_OF_BIRTH": 3}  # every other label: IDENTIFIER
# People and places are taken where "something" is at THRESHOLD. A date of birth or an identifier needs its own
# class at STRUCTURED_THRESHOLD ("ward B3": place and identifier together are not an identifier), and the engine
# then drops what the rules keep readable on purpose (readout.stays_readable: appointment dates, helplines, clock
# times, ages...), which taking them at all but certainty (0.995) did before.
_TAKEN = (1, 2)
STRUCTURED_THRESHOLD = 0.8
_CERTAIN = 0.995  # ... or "something" at this, its likeliest class a date of birth or an identifier
MAX_TOKENS = 128
# Chosen on four tuning sets left out of training (0.5, 0.8 and 0.95 gave leak rates within 0.005 of each other;
# over-redaction fell from 0.5 to 0.8 and little more after): benchmarks/HELDOUT.md.
THRESHOLD = 0.8
RECIPE = "tagger-1"  # part of the training digest: change it when training changes, so installs are rebuilt
ONNX = "tagger_int8.onnx"
_CARD = "tagger.json"
_PREFIX = re.compile(r"^\s*[A-Za-z_ ]*\d*\s*:\s")  # "SPEAKER_00: " before an utterance of a labelled set
_JOINS = re.compile(r"[ \t'-]*")  # what may lie between two words of one span


def training_files() -> list[Path]:
    return [TRAINING_DATA / f"{name}.jsonl" for name in TRAINING_SETS]


def training_digest(files: list[Path] | None = None) -> str:
    """sha256 over :data:`RECIPE` and the training files: the installed tagger is current while it is unchanged."""
    return files_digest(RECIPE, training_files() if files is None else files)


def utterances_of(text: str) -> tuple[list[str], list[int]]:
    """A labelled item's ``SPEAKER_xx: ...`` lines as utterances, with each utterance's offset in ``text``."""
    utterances, offsets, position = [], [], 0
    for line in text.split("\n"):
        prefix = _PREFIX.match(line)
        skip = prefix.end() if prefix else 0
        utterances.append(line[skip:])
        offsets.append(position + skip)
        position += len(line) + 1
    return utterances, offsets


@dataclass
class _Window:
    ids: list[int]  # word pieces, with the tokenizer's start and end pieces
    pieces: list[tuple[int, int]]  # each inner piece's characters in the document text


def _windows(tokenizer, doc: Document) -> list[_Window]:
    """Utterances packed whole, in order, into windows of at most :data:`MAX_TOKENS` pieces (a longer utterance
    is cut)."""
    encoded = tokenizer(doc.texts, add_special_tokens=False, return_offsets_mapping=True)
    first, last = tokenizer.cls_token_id, tokenizer.sep_token_id
    windows: list[_Window] = []
    ids: list[int] = []
    pieces: list[tuple[int, int]] = []
    for start, utterance_ids, offsets in zip(doc.starts, encoded["input_ids"], encoded["offset_mapping"], strict=True):
        if ids and len(ids) + len(utterance_ids) > MAX_TOKENS - 2:
            windows.append(_Window([first, *ids, last], pieces))
            ids, pieces = [], []
        ids += utterance_ids
        pieces += [(start + a, start + b) for a, b in offsets]
        if len(ids) > MAX_TOKENS - 2:
            ids, pieces = ids[:MAX_TOKENS - 2], pieces[:MAX_TOKENS - 2]
    if ids:
        windows.append(_Window([first, *ids, last], pieces))
    return windows


def _batches(windows: list[_Window], size: int):
    """(indices, input ids, attention mask) for windows of like length, padded with zeros."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    for b in range(0, len(order), size):
        chosen = order[b:b + size]
        width = max(len(windows[i].ids) for i in chosen)
        ids = np.zeros((len(chosen), width), dtype=np.int64)
        mask = np.zeros((len(chosen), width), dtype=np.int64)
        for row, i in enumerate(chosen):
            ids[row, :len(windows[i].ids)] = windows[i].ids
            mask[row, :len(windows[i].ids)] = 1
        yield chosen, ids, mask


def labelled_documents(files: list[Path]) -> list[tuple[Document, list[int]]]:
    """Each labelled item as a document of its utterances and a class index (:data:`CLASSES`) per character."""
    out = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            utterances, offsets = utterances_of(item["text"])
            doc = Document(utterances)
            classes = [0] * len(doc.text)
            for entity in item["entities"]:
                for start, offset, utterance in zip(doc.starts, offsets, utterances, strict=True):
                    for k in range(max(entity["start"], offset), min(entity["end"], offset + len(utterance))):
                        classes[start + k - offset] = _CLASS_OF_LABEL.get(entity["label"], 4)
            out.append((doc, classes))
    return out


def train(base_dir: Path, target: Path, files: list[Path] | None = None, epochs: int = 4, seed: int = 0) -> None:
    """Fine-tune the sentence encoder in ``base_dir`` as a word-piece tagger on ``files`` (default: the tuning
    sets); write it to ``target`` as int8 ONNX with its tokenizer and a card naming the training data's digest."""
    from .. import runtime  # noqa: F401  (offline switches; CTranslate2 before torch)
    # isort: split
    import tempfile

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    files = training_files() if files is None else files
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise ModelError(f"the redaction tagger's training data is missing ({missing[0]}): install from a checkout "
                         "of the repository")
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    examples: list[tuple[list[int], list[int]]] = []  # (word pieces, the class of each; -100: not scored)
    for doc, classes in labelled_documents(files):
        for window in _windows(tokenizer, doc):
            targets = [-100]  # the start and end pieces are not scored
            for a, b in window.pieces:
                inside = classes[a:b]
                targets.append(max(set(inside), key=inside.count) if inside else -100)
            examples.append((window.ids, targets + [-100]))

    class Network(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_dir), local_files_only=True)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(CLASSES))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(hidden))

    torch.manual_seed(seed)
    network = Network()
    optimiser = torch.optim.AdamW(network.parameters(), lr=1e-4, weight_decay=0.01)
    batch_size = 16
    steps = epochs * -(-len(examples) // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(  # warm up over 6% of the steps, then down to zero
        optimiser, lambda step: min(1.0, step / (0.06 * steps)) * max(0.0, (steps - step) / steps))
    network.train()
    for epoch in range(epochs):
        order = np.random.RandomState(seed + epoch).permutation(len(examples))
        for b in range(0, len(order), batch_size):
            chosen = [examples[i] for i in order[b:b + batch_size]]
            width = max(len(pieces) for pieces, _ in chosen)
            ids = torch.tensor([pieces + [0] * (width - len(pieces)) for pieces, _ in chosen])
            mask = torch.tensor([[1] * len(pieces) + [0] * (width - len(pieces)) for pieces, _ in chosen])
            targets = torch.tensor([classes + [-100] * (width - len(classes)) for _, classes in chosen])
            logits = network(ids, mask)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(CLASSES)), targets.reshape(-1),
                                                     ignore_index=-100)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    network.eval()
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "tagger.onnx"
        example = torch.ones(2, 16, dtype=torch.long)
        torch.onnx.export(network, (example, example), str(full), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "pieces"} for n in ("input_ids", "attention_mask", "logits")})
        quantize_dynamic(str(full), str(target / ONNX), weight_type=QuantType.QInt8)
    tokenizer.save_pretrained(str(target))
    (target / _CARD).write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2", "classes": list(CLASSES), "output": "logits per word piece",
        "max_tokens": MAX_TOKENS, "epochs": epochs, "batch_size": batch_size, "seed": seed, "windows": len(examples),
        "training_digest": training_digest(files), "training_files": [p.name for p in files]}, indent=1) + "\n")


def is_current(directory: Path) -> bool:
    """Whether the tagger in ``directory`` was trained on the training data as it is now."""
    try:
        card = json.loads((Path(directory) / _CARD).read_text())
    except (OSError, ValueError):
        return False
    return (Path(directory) / ONNX).is_file() and card.get("training_digest") == training_digest() \
        and tuple(card.get("classes", ())) == CLASSES


@lru_cache(maxsize=2)
def load_tagger(directory: Path) -> Tagger:
    """The installed tagger, refused if it was trained on other data than the committed tuning sets; one per
    directory, shared by every redactor in the process."""
    if not is_current(directory):
        raise ModelError(f"the redaction tagger in {directory} was trained on other data than {TRAINING_DATA}: "
                         "run `transcribe models install`")
    return Tagger(directory)


class Tagger:
    """Load once from a directory :func:`train` wrote; :meth:`find` gives spans over a document."""

    def __init__(self, directory: Path, threads: int = 2):
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
        self.session = cpu_session(Path(directory) / ONNX, threads)

    def word_probabilities(self, doc: Document) -> list[tuple[int, int, np.ndarray]]:
        """(start, end, class probabilities) of each word, the mean over its pieces."""
        if not any(doc.texts):
            return []
        windows = _windows(self.tokenizer, doc)
        probabilities: list[np.ndarray | None] = [None] * len(windows)
        for chosen, ids, mask in _batches(windows, 32):
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            exp = np.exp(logits - logits.max(-1, keepdims=True))
            for row, i in enumerate(chosen):
                probabilities[i] = (exp[row] / exp[row].sum(-1, keepdims=True))[1:1 + len(windows[i].pieces)]
        words: list[list] = []
        for window, rows in zip(windows, probabilities, strict=True):
            for (a, b), row in zip(window.pieces, rows, strict=True):
                if words and a == words[-1][1]:  # a piece joined to the last ("##ley" of "wrangthorn")
                    words[-1][1] = b
                    words[-1][2].append(row)
                else:
                    words.append([a, b, [row]])
        return [(a, b, np.mean(rows, axis=0)) for a, b, rows in words]

    def find(self, doc: Document, threshold: float = THRESHOLD, structured: float = STRUCTURED_THRESHOLD) -> list[Span]:
        """Spans of words the tagger gives ``threshold`` or more of being something to redact (a date of birth or
        an identifier: ``structured`` of being that). A person's name loses the words at its ends that are never
        names (the name model's test: greetings, relations, decoys, everyday words in lower case unless a given
        name it is sure of); a word opening a sentence is judged as if in lower case, its capital saying nothing.
        Nothing is taken that is a decoy alone or with the word next to it (a service, a drug, a court: "the Crown
        Court")."""
        text = doc.text
        runs: list[list] = []  # [kind, [(start, end, probability of the kind), ...]]
        for a, b, p in self.word_probabilities(doc):
            kind = 1 + int(np.argmax(p[1:]))
            something = 1.0 - p[0]
            if not (something >= threshold if kind in _TAKEN else p[kind] >= structured or something >= _CERTAIN):
                continue
            if runs and runs[-1][0] == kind and _JOINS.fullmatch(text[runs[-1][1][-1][1]:a]):
                runs[-1][1].append((a, b, p[kind]))
            else:
                runs.append([kind, [(a, b, p[kind])]])
        spans = []
        for kind, words in runs:
            if kind == 1:
                words = trimmed(words, lambda w: never_a_name(_as_said(text, w[0], w[1]), w[2] >= SURE_THRESHOLD))
            if words and not _in_a_decoy(text, words[0][0], words[-1][1]):
                a, b = words[0][0], words[-1][1]
                spans.append(Span(a, b, _label(text[a:b], kind), "tagger"))
        return spans


def _in_a_decoy(text: str, start: int, end: int) -> bool:
    """Whether the words, alone or with the word before or after, are a decoy ("Crown" of "the Crown Court")."""
    before = re.search(r"([\w']+) $", text[max(0, start - 30):start])
    after = re.match(r" ([\w']+)", text[end:end + 30])
    value = text[start:end]
    return any(is_decoy_word(phrase) for phrase in (
        value, before and f"{before.group(1)} {value}", after and f"{value} {after.group(1)}") if phrase)


def _as_said(text: str, start: int, end: int) -> str:
    """The word, in lower case where it opens a sentence."""
    before = text[max(0, start - 4):start].rstrip(" \t")
    return text[start:end].lower() if not before or before[-1] in ".!?\n" else text[start:end]


def _label(value: str, kind: int) -> str:
    if kind == 2:
        return "ADDRESS" if any(c.isdigit() for c in value) else "LOCATION"
    if kind == 4:
        return "ID" if any(c.isalpha() for c in value) else "NUMBER"
    return CLASSES[kind]
