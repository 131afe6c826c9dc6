"""Optional semantic channel: a local sentence-transformers model directory.

Nothing here is needed by default. ``sentence_transformers`` is not a dependency of the project: when
it is not installed, :func:`load_encoder` raises :class:`SemanticModelUnavailable` and the engine works
without the channel. The model is read from a local directory only (no download).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Protocol

import numpy as np


class SemanticModelUnavailable(RuntimeError):
    """The semantic model cannot be used (package missing, or no model at the given path)."""


class Encoder(Protocol):
    """Anything that turns texts into unit-length vectors."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """Wraps a sentence-transformers model stored in a local directory."""

    def __init__(self, model_dir: str | Path) -> None:
        path = Path(model_dir)
        if not path.is_dir():
            raise SemanticModelUnavailable(f"no model directory at {path}")
        try:
            module: Any = importlib.import_module("sentence_transformers")
        except ImportError as error:
            raise SemanticModelUnavailable(
                "the semantic channel needs the optional package 'sentence-transformers', which is not installed"
            ) from error
        self.model = module.SentenceTransformer(str(path), device="cpu")
        self.path = str(path)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text."""
        vectors = self.model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(model_dir: str | Path) -> Encoder:
    """Load the encoder of ``model_dir`` or raise :class:`SemanticModelUnavailable`."""
    return SentenceTransformerEncoder(model_dir)
