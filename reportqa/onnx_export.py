"""A sentence-transformers folder exported to ONNX, once, offline: fp32, and int8 from it.

`onnx_model(folder, models_dir, quantized)` returns the path of the ONNX file for a model folder
(the bundled e5-small as converted by reportqa/model_files.py, or a user's folder), exporting it
the first time: torch's TorchScript exporter (`dynamo=False`: no onnxscript needed) writes the
transformer with the folder's pooling and L2 normalisation inside the graph, so the graph's output
is the sentence embedding itself; int8 is onnxruntime's dynamic quantisation of that file, per
output channel (per tensor moved vectors to cosine ~0.987 of fp32, per channel to ~0.997).

The files go to models_dir/<folder name>-onnx-<key>/, the key naming the source (the bundled
model's sha256, else the user folder's path, weight sizes and times). Each file is written under a
temporary name and renamed into place, under a lock file, so two processes (a server and a test
run) never both export, and a reader never sees half a file. Nothing here touches the network.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

EXPORTER_VERSION = 1
OPSET = 17
FP32_FILE, INT8_FILE = "model.onnx", "model-int8.onnx"
INFO = "reportqa_onnx.json"  # per exported file: what it was made from (written after the file)


class UnsupportedModelError(ValueError):
    """A model folder the ONNX backends cannot run (use REPORTQA_EMBEDDING_BACKEND=torch)."""

    def __str__(self) -> str:
        return f"{super().__str__()}; set REPORTQA_EMBEDDING_BACKEND=torch to run this model"


def model_layout(folder: Path) -> dict:
    """What runs after the transformer in a sentence-transformers folder: pooling, normalisation,
    the sequence limit. Only the shapes the export reproduces are accepted."""
    modules = _read_json(folder / "modules.json") or [
        {"path": "", "type": "sentence_transformers.models.Transformer"}]
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    pooling = "mean"
    for module, kind in zip(modules, kinds):
        if kind == "Pooling":
            config = _read_json(folder / module["path"] / "config.json") or {}
            modes = [m for m in ("cls", "mean", "max") if config.get(f"pooling_mode_{m}_token")
                     or config.get(f"pooling_mode_{m}_tokens")] or [config.get("pooling_mode", "mean")]
            if len(modes) != 1 or modes[0] not in ("cls", "mean"):
                raise UnsupportedModelError(f"{folder.name}: pooling {modes} (the ONNX backends do cls or mean)")
            pooling = modes[0]
        elif kind not in ("Transformer", "Normalize"):
            raise UnsupportedModelError(f"{folder.name}: module {kind} (the ONNX backends run Transformer, "
                                        "Pooling and Normalize only)")
    if kinds[:1] != ["Transformer"] or modules[0].get("path", "") != "":
        raise UnsupportedModelError(f"{folder.name}: the transformer is not at the folder's top level")
    if not (folder / "tokenizer.json").is_file():
        raise UnsupportedModelError(f"{folder.name}: no tokenizer.json (a fast tokenizer is needed)")
    st_config = _read_json(folder / "sentence_bert_config.json") or {}
    tok_config = _read_json(folder / "tokenizer_config.json") or {}
    limits = [v for v in (st_config.get("max_seq_length"), tok_config.get("model_max_length"),
                          (_read_json(folder / "config.json") or {}).get("max_position_embeddings"))
              if isinstance(v, int) and v > 0]
    return {"pooling": pooling, "normalize": "Normalize" in kinds, "max_length": min(limits or [512]),
            "pad_token": tok_config.get("pad_token")}


def source_key(folder: Path) -> str:
    """Names what the ONNX files are made from: the bundled model by its checked sha256 and
    converter version; another folder by its path and its weight files' sizes and times."""
    from reportqa.model_files import MARKER
    marker = _read_json(folder / MARKER)
    if marker and marker.get("source_sha256"):
        parts = [marker["source_sha256"], str(marker.get("converter_version"))]
    else:
        parts = [str(folder.resolve())] + [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                                           for p in sorted(folder.iterdir()) if p.suffix in (".safetensors", ".bin")]
    parts.append(str(EXPORTER_VERSION))
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:12]


def onnx_dir(folder: Path, models_dir: Path) -> Path:
    return Path(models_dir) / f"{folder.name}-onnx-{source_key(folder)}"


def onnx_model(folder: Path, models_dir: Path, *, quantized: bool) -> Path:
    """The ONNX file for this model folder (int8 when quantized), exported once."""
    folder = Path(folder)
    out = onnx_dir(folder, models_dir)
    name = INT8_FILE if quantized else FP32_FILE
    if _done(out, name):
        return out / name
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out / ".lock"):
        if not _done(out, FP32_FILE):
            _timed(f"exporting {folder.name} to ONNX", lambda tmp: _export(folder, tmp), out, FP32_FILE)
        if quantized and not _done(out, INT8_FILE):
            _timed(f"quantising {folder.name} to int8", lambda tmp: _quantize(out / FP32_FILE, tmp), out, INT8_FILE)
    return out / name


def _done(out: Path, name: str) -> bool:
    info = _read_json(out / INFO) or {}
    return (out / name).is_file() and info.get(name, {}).get("exporter_version") == EXPORTER_VERSION


def _timed(what: str, make, out: Path, name: str) -> None:
    """make(tmp path) writes the file; it is renamed into place, then recorded in INFO."""
    log.warning("%s (once; about 10 s)", what)
    started = time.perf_counter()
    tmp = out / f".{name}.tmp-{os.getpid()}"
    try:
        make(tmp)
        os.replace(tmp, out / name)
    finally:
        tmp.unlink(missing_ok=True)
    info = _read_json(out / INFO) or {}
    info[name] = {"exporter_version": EXPORTER_VERSION, "seconds": round(time.perf_counter() - started, 1)}
    _write_json_atomically(out / INFO, info)


def _export(folder: Path, target: Path) -> None:
    import inspect
    import warnings

    import torch
    from transformers import AutoModel

    layout = model_layout(folder)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
    with_types = "token_type_ids" in inspect.signature(model.forward).parameters

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            extra = {"token_type_ids": torch.zeros_like(input_ids)} if with_types else {}
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
            if layout["pooling"] == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            if layout["normalize"]:
                pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
            return pooled

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "sentence_embedding": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(SentenceEmbedding().eval(), (sample, sample), str(target), dynamo=False,
                          input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8)


@contextmanager
def _locked(path: Path):
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another process exporting the same model: wait for it
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json_atomically(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)
