// open_clip's TextTransformer (`text.*`) and text_global_pool.
#include "clip/text_transformer.h"

#include <cmath>

#include "clip/linear.h"

namespace clipbench {

torch::Tensor text_global_pool(const torch::Tensor& x, const torch::Tensor& ids, TextPool pool,
                               int64_t eos_id) {
  const torch::Tensor rows = torch::arange(ids.size(0), ids.options().dtype(torch::kLong));
  switch (pool) {
    case TextPool::kLast:
      return x.select(1, x.size(1) - 1);
    case TextPool::kFirst:
      return x.select(1, 0);
    case TextPool::kEos:
      // The first match: argmax over a 0/1 mask returns the first maximum (torch's and ATen's
      // documented tie rule), 0 for a row without the token.
      return x.index({rows, ids.eq(eos_id).to(torch::kInt).argmax(-1)});
    case TextPool::kArgmax:
      break;
  }
  return x.index({rows, ids.argmax(-1)});
}

TextTransformerImpl::TextTransformerImpl(const CLIPConfig& c)
    : causal_(c.text_causal), pool_(c.text_pool), eos_id_(c.text_eos_id) {
  const int64_t w = c.transformer_width;
  token_embedding = register_module("token_embedding", torch::nn::Embedding(c.vocab_size, w));
  positional_embedding =
      register_parameter("positional_embedding", torch::randn({c.context_length, w}) * 0.01);
  transformer =
      register_module("transformer", Transformer(w, c.transformer_layers, c.transformer_heads,
                                                 c.transformer_mlp_width, c.text_act, c.text_ln_eps,
                                                 c.text_layer_scale));
  ln_final = register_module("ln_final", LayerNorm(w, c.text_ln_eps));
  if (c.text_proj_bias) {
    text_projection_linear = register_module("text_projection", torch::nn::Linear(w, c.embed_dim));
  } else {
    text_projection = register_parameter(
        "text_projection", torch::randn({w, c.embed_dim}) / std::sqrt(static_cast<double>(w)));
  }
}

torch::Tensor TextTransformerImpl::forward(const torch::Tensor& ids) {
  const auto dtype = token_embedding->weight.scalar_type();  // the model's compute dtype
  torch::Tensor x = token_embedding(ids).to(dtype) + positional_embedding.to(dtype);
  x = transformer(x, causal_);
  x = ln_final(x).to(dtype);
  const torch::Tensor pooled = text_global_pool(x, ids, pool_, eos_id_);
  if (text_projection_linear)
    return linear(pooled, text_projection_linear->weight, text_projection_linear->bias);
  return pooled.matmul(text_projection);
}

}  // namespace clipbench
