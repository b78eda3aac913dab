//! BERT's forward pass for inference, written against the same variables as rust-bert's network
//! but with fewer, fused kernels: libtorch's `scaled_dot_product_attention` (scaling, mask, softmax
//! and the weighted sum in one call), its native GELU (rust-bert spells GELU as five element-wise
//! operations), and layer outputs kept as they are (rust-bert copies every layer's output when asked
//! for hidden states). Same weights, same arithmetic up to float rounding: a test holds it to
//! rust-bert's output. Training keeps rust-bert's network (dropout, gradients as rust-bert defines
//! them).

use rust_bert::bert::BertConfig;
use rust_bert::Activation;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

/// rust-bert's BERT layer norms use this epsilon whatever config.json says; so do we.
const LAYER_NORM_EPS: f64 = 1e-12;

struct Dense {
    weight: Tensor,
    bias: Tensor,
}

impl Dense {
    fn apply(&self, x: &Tensor) -> Tensor {
        x.linear(&self.weight, Some(&self.bias))
    }

    fn norm(&self, x: &Tensor) -> Tensor {
        let hidden = self.weight.size()[0];
        x.layer_norm(
            [hidden],
            Some(&self.weight),
            Some(&self.bias),
            LAYER_NORM_EPS,
            false,
        )
    }
}

struct Layer {
    query: Dense,
    key: Dense,
    value: Dense,
    attention_out: Dense,
    attention_norm: Dense,
    intermediate: Dense,
    out: Dense,
    out_norm: Dense,
}

/// The encoder and classifier of a `BertForTokenClassification`-shaped variable store.
pub(crate) struct FastBert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    embedding_norm: Dense,
    layers: Vec<Layer>,
    classifier: Dense,
    heads: i64,
}

impl FastBert {
    /// Reads the variables of `vs` (shared, not copied: weights loaded later are seen). `None`
    /// when the configuration is one this path does not cover (another activation) or a variable
    /// is missing; the caller then keeps rust-bert's forward pass.
    pub fn from_store(vs: &VarStore, config: &BertConfig) -> Option<FastBert> {
        if !matches!(config.hidden_act, Activation::gelu) || config.is_decoder == Some(true) {
            return None;
        }
        let vars = vs.variables();
        let get = |name: String| vars.get(&name).map(Tensor::shallow_clone);
        let dense = |prefix: String| -> Option<Dense> {
            Some(Dense {
                weight: get(format!("{prefix}.weight"))?,
                bias: get(format!("{prefix}.bias"))?,
            })
        };
        let layers = (0..config.num_hidden_layers)
            .map(|i| {
                let p = format!("bert.encoder.layer.{i}");
                Some(Layer {
                    query: dense(format!("{p}.attention.self.query"))?,
                    key: dense(format!("{p}.attention.self.key"))?,
                    value: dense(format!("{p}.attention.self.value"))?,
                    attention_out: dense(format!("{p}.attention.output.dense"))?,
                    attention_norm: dense(format!("{p}.attention.output.LayerNorm"))?,
                    intermediate: dense(format!("{p}.intermediate.dense"))?,
                    out: dense(format!("{p}.output.dense"))?,
                    out_norm: dense(format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(FastBert {
            word: get("bert.embeddings.word_embeddings.weight".into())?,
            position: get("bert.embeddings.position_embeddings.weight".into())?,
            token_type: get("bert.embeddings.token_type_embeddings.weight".into())?,
            embedding_norm: dense("bert.embeddings.LayerNorm".into())?,
            layers,
            classifier: dense("classifier".into())?,
            heads: config.num_attention_heads,
        })
    }

    /// Logits `[batch, len, labels]` and each layer's output, for piece ids `[batch, len]` with a
    /// 0/1 `mask`; `extra` is added to the word-piece embeddings (the shape features).
    pub fn forward(
        &self,
        ids: &Tensor,
        extra: Option<Tensor>,
        mask: &Tensor,
    ) -> tch::Result<(Tensor, Vec<Tensor>)> {
        let (batch, len) = ids.size2()?;
        let hidden = self.word.size()[1];
        let head_size = hidden / self.heads;
        let positions = Tensor::arange(len, (Kind::Int64, Device::Cpu));
        let mut x = Tensor::embedding(&self.word, ids, -1, false, false);
        if let Some(extra) = extra {
            x += extra;
        }
        let x = x + self.position.index_select(0, &positions).unsqueeze(0) + self.token_type.get(0);
        let mut x = self.embedding_norm.norm(&x);
        // Padding is masked by adding -10000 to its attention scores, as rust-bert does.
        let mask_add = ((mask.ones_like() - mask) * -10000.0)
            .to_kind(x.kind())
            .view([batch, 1, 1, len]);
        let split = |t: Tensor| t.view([batch, len, self.heads, head_size]).transpose(1, 2);
        let mut layers = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let context = Tensor::f_scaled_dot_product_attention(
                &split(layer.query.apply(&x)),
                &split(layer.key.apply(&x)),
                &split(layer.value.apply(&x)),
                Some(&mask_add),
                0.0,
                false,
                None::<f64>,
            )?
            .transpose(1, 2)
            .reshape([batch, len, hidden]);
            let attended = layer
                .attention_norm
                .norm(&(layer.attention_out.apply(&context) + &x));
            let inner = layer.intermediate.apply(&attended).gelu("none");
            x = layer.out_norm.norm(&(layer.out.apply(&inner) + &attended));
            layers.push(x.shallow_clone());
        }
        Ok((self.classifier.apply(&x), layers))
    }
}
