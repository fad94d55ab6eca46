// Maps Hugging Face `CLIPModel` tensor names to the OpenAI / open_clip names the models use.
#pragma once

#include <string>

#include "clip/state_dict.h"

namespace clipbench {

// True when the keys are in Hugging Face `CLIPModel` layout (`text_model.` / `vision_model.`
// prefixes).
bool is_hf_clip_layout(const StateDict& sd);

// Renames a Hugging Face `CLIPModel` state dict (transformers `save_pretrained`) to OpenAI names:
// q/k/v projections are concatenated into `attn.in_proj_weight` / `in_proj_bias` (q, k, v order),
// `text_projection.weight` [E, W] and `visual_projection.weight` [E, W] are transposed into
// `text_projection` and `visual.proj` [W, E], `position_ids` buffers are dropped. Only ViT vision
// towers exist in this layout. The config.json beside the weights (activations, heads) is read by
// resolve_architecture (clip/architecture.h). Throws CheckpointError naming `source` and the key
// for any key it does not know or a q/k/v triple with a part missing.
StateDict hf_clip_to_openai(const StateDict& sd, const std::string& source);

}  // namespace clipbench
