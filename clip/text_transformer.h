// open_clip's TextTransformer as CustomTextCLIP holds it (`text.*`: SigLIP's text tower), and the
// text pooling shared with openai/CLIP's tower.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "clip/model_config.h"
#include "clip/transformer.h"

namespace clipbench {

// open_clip transformer.py `text_global_pool`: x [N, L, W], ids [N, L] -> [N, W]: argmax: each
// row's state at its largest id (CLIP's end token); last: position L - 1; first: position 0; eos:
// each row's first `eos_id` (position 0 when the row has none, as torch's argmax of all zeros).
torch::Tensor text_global_pool(const torch::Tensor& x, const torch::Tensor& ids, TextPool pool,
                               int64_t eos_id = 2);

// open_clip `TextTransformer` (transformer.py) with `config`'s text sizes: `token_embedding`
// [vocab, W], `positional_embedding` [context, W], `transformer.resblocks.<i>` (text_act,
// text_ln_eps; causal per text_causal), `ln_final`, `text_projection` (nn.Linear W -> embed_dim
// with bias when text_proj_bias, else the [W, embed_dim] matrix). forward: ids int64 [N, context]
// on the module's device -> [N, embed_dim]: ln_final on every position, text_global_pool, the
// projection (open_clip v3, no `cls_emb`).
class TextTransformerImpl : public torch::nn::Module {
 public:
  explicit TextTransformerImpl(const CLIPConfig& config);
  torch::Tensor forward(const torch::Tensor& ids);

  torch::nn::Embedding token_embedding{nullptr};
  torch::Tensor positional_embedding;
  Transformer transformer{nullptr};
  LayerNorm ln_final{nullptr};
  torch::nn::Linear text_projection_linear{nullptr};  // registered as `text_projection` (bias)
  torch::Tensor text_projection;                      // the matrix form (no bias)

 private:
  bool causal_;
  TextPool pool_;
  int64_t eos_id_;
};
TORCH_MODULE(TextTransformer);

}  // namespace clipbench
