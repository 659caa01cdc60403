"""Sentence embeddings (all-MiniLM-L6-v2 from the local model cache), for summary themes.

Mean pooling over token embeddings then L2 normalisation, exactly as the model's sentence-transformers
configuration (modules.json: Transformer, Pooling(mean), Normalize) prescribes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..models import resolve_model_dir

SENTENCE_MODEL = "minilm-l6-v2"


class SentenceEmbedder:
    """Load once; :meth:`encode` returns unit-length vectors (cosine similarity is a dot product)."""

    def __init__(self, model_root: Path, batch_size: int = 32):
        from .. import runtime  # noqa: F401  (offline switches; CTranslate2 before torch)
        # isort: split
        import torch
        from transformers import AutoModel, AutoTokenizer

        directory = resolve_model_dir(model_root, SENTENCE_MODEL, "sentence embedding")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
            self.model = AutoModel.from_pretrained(str(directory), local_files_only=True).eval()
        except (OSError, ValueError) as e:
            raise ModelError(f"cannot load the sentence embedding model from {directory}: {e}") from e
        self.batch_size = batch_size
        self._torch = torch

    def encode(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), 384)`` float32 unit vectors."""
        torch = self._torch
        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(texts[i:i + self.batch_size], padding=True, truncation=True, max_length=128,
                                       return_tensors="pt")
                tokens = self.model(**batch).last_hidden_state  # shape: (batch, tokens, 384)
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
        return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)
