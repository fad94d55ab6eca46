#!/usr/bin/env python3
"""Writes clip/data/timm_models.json: for every timm image tower that an open_clip config in
clip/data/open_clip_models.json names (vision_cfg.timm_model_name) and that is a timm
VisionTransformer, the architecture facts its weights cannot tell (heads, activation, LayerNorm eps)
and every option clipbench checks before it runs the tower (class / register tokens, pooling,
pre-norm, fc-norm, layer scale, qk-norm, the MAP head's own heads and MLP width). Read by building
each model on torch's meta device (no weights, nothing downloaded) with the installed timm.
Data only: clipbench reads the table for open_clip TimmModel towers.
Run: .venv-torch2/bin/python scripts/gen_timm_models.py"""
import json
import os

import timm
import torch
import torch.nn as nn
from timm.models.vision_transformer import VisionTransformer

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
models = json.load(open(os.path.join(root, "clip", "data", "open_clip_models.json")))["models"]
names = sorted({e["model_cfg"]["vision_cfg"]["timm_model_name"] for e in models.values()
                if "timm_model_name" in e["model_cfg"].get("vision_cfg", {})})


def act_name(module):
    if type(module).__name__ == "GELUTanh":  # timm.layers.activations: F.gelu(approximate="tanh")
        return "gelu_tanh"
    if isinstance(module, nn.GELU):
        return {"none": "gelu", "tanh": "gelu_tanh"}[module.approximate]
    return type(module).__name__


def identity(module):
    return module is None or isinstance(module, nn.Identity)


out = {}
skipped = {}
for name in names:
    with torch.device("meta"):
        m = timm.create_model(name, pretrained=False, num_classes=0)
    if not isinstance(m, VisionTransformer):
        skipped[name] = type(m).__name__
        continue
    b = m.blocks[0]
    e = {
        "patch_embed_type": type(m.patch_embed).__name__,
        "patch_embed_norm": not identity(getattr(m.patch_embed, "norm", None)),
        "patch_embed_bias": getattr(getattr(m.patch_embed, "proj", None), "bias", None) is not None,
        "patch_size": m.patch_embed.patch_size[0],
        "img_size": m.patch_embed.img_size[0],
        "embed_dim": m.embed_dim,
        "depth": len(m.blocks),
        "num_heads": b.attn.num_heads,
        "mlp_type": type(b.mlp).__name__,
        "mlp_hidden": b.mlp.fc1.out_features if hasattr(b.mlp, "fc1") else None,
        "act": act_name(b.mlp.act) if hasattr(b.mlp, "act") else None,
        "norm_type": type(b.norm1).__name__,
        "norm_eps": getattr(b.norm1, "eps", None),
        "class_token": m.cls_token is not None,
        "reg_tokens": m.num_reg_tokens,
        "no_embed_class": m.no_embed_class,
        "global_pool": m.global_pool,
        "pre_norm": not identity(m.norm_pre),
        "final_norm": not identity(m.norm),
        "fc_norm": not identity(m.fc_norm),
        "layer_scale": not (identity(b.ls1) and identity(b.ls2)),
        "qk_norm": not (identity(b.attn.q_norm) and identity(b.attn.k_norm)),
        "qkv_bias": b.attn.qkv.bias is not None,
        "dynamic_img_size": bool(getattr(m, "dynamic_img_size", False)),
    }
    if m.attn_pool is not None:
        p = m.attn_pool
        e["attn_pool"] = {
            "type": type(p).__name__,
            "num_heads": p.num_heads,
            "latent_len": p.latent_len,
            "mlp_type": type(p.mlp).__name__,
            "mlp_hidden": p.mlp.fc1.out_features if hasattr(p.mlp, "fc1") else None,
            "act": act_name(p.mlp.act) if hasattr(p.mlp, "act") else None,
            "norm_eps": p.norm.eps if not identity(p.norm) else None,
            "qk_norm": not (identity(p.q_norm) and identity(p.k_norm)),
            "pos_embed": p.pos_embed is not None,
            "pool": p.pool,
        }
    out[name] = e

path = os.path.join(root, "clip", "data", "timm_models.json")
with open(path, "w") as f:
    json.dump({"schema_version": 1,
               "source": f"timm {timm.__version__} (models/vision_transformer.py), built on torch's "
                         "meta device by scripts/gen_timm_models.py",
               "not_vision_transformer": skipped,
               "models": out}, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{path}: {len(out)} VisionTransformer towers; not a VisionTransformer: {sorted(skipped)}")
