#!/usr/bin/env python3
"""Dev-time: writes the SentencePiece tokenizer test data under tests/clip/data/sentencepiece/.

No SigLIP tokenizer file can be downloaded here, so this script makes two small SentencePiece models of the two
kinds open_clip's SigLIP models use, trained on the prompts in prompts/*.json, and the ids the reference gives:
  - t5/:    a unigram model with T5's special pieces (pad 0, eos 1, unk 2; NFKC normalization, dummy prefix),
            saved as transformers' T5TokenizerFast(extra_ids=0, legacy=False) with pad = eos, exactly as
            open_clip's SigLipTokenizer made the timm/ViT-*-SigLIP hub tokenizers;
  - gemma/: a BPE model with Gemma's special pieces (pad 0, eos 1, bos 2, unk 3; byte fallback, no dummy prefix,
            digits split, no normalization), saved as GemmaTokenizerFast(add_bos_token=False, add_eos_token=True),
            as SigLipTokenizer made the SigLIP2 ones;
  - cases.json: for each folder, context length and clean mode, the ids of open_clip v3's
            HFTokenizer(folder, context_length, clean=mode)(text) and the cleaned text (open_clip's clean_fn), for
            class-name prompts of every dataset, hand-picked strings (punctuation, underscores, case, Unicode,
            entities, digits, emoji, whitespace) and texts longer than the context.
Strings that ftfy.fix_text would change are left out (clipbench does not apply ftfy; see clip/text_clean.h).

    .venv-torch2/bin/python scripts/gen_sentencepiece_cases.py     (needs bench/requirements-references.txt)
"""
import glob
import io
import json
import os
import random
import shutil
import sys

import ftfy
import sentencepiece as spm
import transformers
from open_clip import tokenizer as oc_tokenizer
import open_clip

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "clip", "data", "sentencepiece")


def prompts():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "prompts", "*.json"))):
        d = json.load(open(path))
        templates = d.get("templates") or ["a photo of a {}."]
        for names in d["classes"]:
            for name in names:
                out.append((d["dataset"], templates, name))
    return out


HAND_PICKED = [
    "a photo of a cat.",
    "A Photo Of A CAT!!",
    "a blurry photo of an ankle boot.",
    "snake_case_label with_underscores",
    "  multiple   spaces\tand\nnewlines  ",
    "punctuation: (a) [b] {c} <d> \"e\" 'f' `g` ~h~ @i# $j% ^k& *l+ =m| \\n/ ?o;",
    "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
    "\u00c0\u00c9\u00ce\u00d5\u00dc \u03a3\u0391\u03a3 \u039f\u0394\u039f\u03a3",
    "\u0130stanbul street",
    "fish &amp; chips &lt;b&gt; &quot;quoted&quot;",
    "the 1990s, 2001: a space odyssey, 3.14159",
    "\U0001f431 cat emoji \U0001f436",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
    "",
    "!!!",
    "___",
    "tab\u00a0non-breaking\u3000ideographic space",
    "a photo of a dog. " * 12,
    "hyphen-ated, slash/ed and dot.ted words",
    "kite (bird of prey)",
]


def train(kind, corpus):
    buf = io.BytesIO()
    common = dict(sentence_iterator=iter(corpus), model_writer=buf, vocab_size=700, character_coverage=1.0,
                  num_threads=1, input_sentence_size=0, shuffle_input_sentence=False, seed_sentencepiece_size=20000)
    if kind == "t5":
        spm.SentencePieceTrainer.train(model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
                                       normalization_rule_name="nmt_nfkc", **common)
    else:
        spm.SentencePieceTrainer.train(model_type="bpe", pad_id=0, eos_id=1, bos_id=2, unk_id=3, pad_piece="<pad>",
                                       eos_piece="<eos>", bos_piece="<bos>", unk_piece="<unk>", byte_fallback=True,
                                       add_dummy_prefix=False, remove_extra_whitespaces=False, split_digits=True,
                                       normalization_rule_name="identity", **common)
    return buf.getvalue()


CONFIGS = {
    # what open_clip's SigLipTokenizer passes (T5TokenizerFast(extra_ids=0, legacy=False), pad_token_id = eos)
    "t5": {"tokenizer_class": "T5Tokenizer", "extra_ids": 0, "legacy": False, "eos_token": "</s>",
           "pad_token": "</s>", "unk_token": "<unk>"},
    # GemmaTokenizerFast(padding_side="right", add_bos_token=False, add_eos_token=True), pad 0, eos 1
    "gemma": {"tokenizer_class": "GemmaTokenizer", "add_bos_token": False, "add_eos_token": True,
              "padding_side": "right", "pad_token": "<pad>", "eos_token": "<eos>", "bos_token": "<bos>",
              "unk_token": "<unk>"},
}


def save(kind, model_bytes):
    """The SentencePiece model with a tokenizer_config.json, loaded by transformers (which converts the model to
    its fast tokenizer) and saved again, so the folder holds what transformers writes (tokenizer.json)."""
    folder = os.path.join(OUT, kind)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    model_name = "spiece.model" if kind == "t5" else "tokenizer.model"
    open(os.path.join(folder, model_name), "wb").write(model_bytes)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(CONFIGS[kind], f, indent=2)
    tok = transformers.AutoTokenizer.from_pretrained(folder)
    assert len(tok) >= 700, f"{kind}: transformers did not convert the SentencePiece model ({len(tok)} ids)"
    tok.save_pretrained(folder)
    # transformers 5 drops add_bos_token / add_eos_token from what it saves; the hub folders made with
    # transformers 4 keep them: put them back, so both sources are there and must agree.
    config_path = os.path.join(folder, "tokenizer_config.json")
    saved = json.load(open(config_path))
    for key in ("add_bos_token", "add_eos_token"):
        if key in CONFIGS[kind]:
            saved[key] = CONFIGS[kind][key]
    saved.pop("vocab_file", None)
    with open(config_path, "w") as f:
        json.dump(saved, f, indent=2)
    return folder


def main():
    rng = random.Random(20261204)
    all_prompts = prompts()
    corpus = sorted({t.format(n) for _, ts, n in all_prompts for t in ts[:3]})
    corpus += [oc_tokenizer.canonicalize_text(c) for c in corpus]
    texts = list(HAND_PICKED)
    for _, templates, name in rng.sample(all_prompts, 120):
        texts.append(rng.choice(templates).format(name))
    texts = [t for t in texts if ftfy.fix_text(t) == t]
    left_out = [t for t in HAND_PICKED if ftfy.fix_text(t) != t]
    if left_out:
        print("left out (ftfy changes them):", left_out, file=sys.stderr)

    cases = {"generator": "scripts/gen_sentencepiece_cases.py",
             "reference": f"open_clip {open_clip.__version__} HFTokenizer, transformers {transformers.__version__}, "
                          f"sentencepiece {spm.__version__}",
             "folders": {}}
    for kind in ("t5", "gemma"):
        folder = save(kind, train(kind, corpus))
        sp = spm.SentencePieceProcessor(model_file=os.path.join(
            folder, "spiece.model" if kind == "t5" else "tokenizer.model"))
        entries = []
        for clean in ("canonicalize", "lower", "whitespace"):
            for context in (64, 8):
                ref = oc_tokenizer.HFTokenizer(folder, context_length=context, clean=clean)
                ids = ref(texts).tolist()
                clean_fn = oc_tokenizer.get_clean_fn(clean)
                for text, row in zip(texts, ids):
                    cleaned = clean_fn(text)
                    specials = [ref.tokenizer.eos_token, ref.tokenizer.pad_token, ref.tokenizer.unk_token]
                    if any(s and s in cleaned for s in specials):
                        continue
                    entries.append({"clean": clean, "context_length": context, "text": text, "cleaned": cleaned,
                                    "ids": row})
                    if context == 64 and clean == "canonicalize":
                        # informational: the fast tokenizer against libsentencepiece on the cleaned text
                        body = [i for i in row if i not in (ref.tokenizer.pad_token_id,)]
                        spm_ids = sp.encode(cleaned)
                        if body[:len(spm_ids)] != spm_ids[:len(body)]:
                            print(f"{kind}: HF and sentencepiece differ on {cleaned!r}", file=sys.stderr)
        cases["folders"][kind] = {"pad_id": ref.tokenizer.pad_token_id, "eos_id": ref.tokenizer.eos_token_id,
                                  "bos_id": ref.tokenizer.bos_token_id, "vocab_size": len(ref.tokenizer),
                                  "cases": entries}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, ensure_ascii=False, indent=None)
        f.write("\n")
    print({k: len(v["cases"]) for k, v in cases["folders"].items()})


if __name__ == "__main__":
    main()
