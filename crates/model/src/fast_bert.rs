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
use tch::{Device, Kind, Scalar, Tensor};

/// rust-bert's BERT layer norms use this epsilon whatever config.json says; so do we.
const LAYER_NORM_EPS: f64 = 1e-12;

struct Dense {
    weight: Tensor,
    bias: Tensor,
    /// The weight quantised to int8, when the model runs in int8 mode.
    int8: Option<Int8>,
}

/// A weight matrix `[out, in]` quantised per tensor to int8 for FBGEMM, as libtorch's
/// `fbgemm_linear_quantize_weight` does it: the range [min(w, 0), max(w, 0)] spread over -128..=127,
/// and each output row's sum of quantised weights less `zero_point × in` (what FBGEMM subtracts).
struct Int8 {
    quantized: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    scale: f64,
    zero_point: f64,
}

impl Int8 {
    fn of(weight: &Tensor) -> tch::Result<Int8> {
        let lo = weight.f_min()?.double_value(&[]).min(0.0);
        let hi = weight.f_max()?.double_value(&[]).max(0.0);
        let scale = if hi > lo { (hi - lo) / 255.0 } else { 0.1 };
        let zero_point = (-128.0 - lo / scale).round().clamp(-128.0, 127.0);
        let quantized = (weight / scale)
            .f_round()?
            .f_add_scalar(zero_point)?
            .f_clamp(-128.0, 127.0)?
            .f_to_kind(Kind::Int8)?;
        let inputs = weight.size()[1];
        let col_offsets = (quantized.f_sum_dim_intlist(1, false, Kind::Int64)?
            - (zero_point as i64) * inputs)
            .f_to_kind(Kind::Int)?;
        let packed = quantized.f_fbgemm_pack_quantized_matrix()?;
        Ok(Int8 {
            quantized,
            packed,
            col_offsets,
            scale,
            zero_point,
        })
    }
}

impl Dense {
    fn apply(&self, x: &Tensor) -> tch::Result<Tensor> {
        match &self.int8 {
            // Activations are quantised on the fly per call (dynamic quantisation).
            Some(q) => x.f_fbgemm_linear_int8_weight_fp32_activation(
                &q.quantized,
                &q.packed,
                &q.col_offsets,
                Scalar::float(q.scale),
                Scalar::int(q.zero_point as i64),
                &self.bias,
            ),
            None => x.f_linear(&self.weight, Some(&self.bias)),
        }
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
                int8: None,
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
                &split(layer.query.apply(&x)?),
                &split(layer.key.apply(&x)?),
                &split(layer.value.apply(&x)?),
                Some(&mask_add),
                0.0,
                false,
                None::<f64>,
            )?
            .transpose(1, 2)
            .reshape([batch, len, hidden]);
            let attended = layer
                .attention_norm
                .norm(&(layer.attention_out.apply(&context)? + &x));
            let inner = layer.intermediate.apply(&attended)?.gelu("none");
            x = layer.out_norm.norm(&(layer.out.apply(&inner)? + &attended));
            layers.push(x.shallow_clone());
        }
        Ok((self.classifier.apply(&x)?, layers))
    }

    /// Switches the encoder's linear layers to int8 weights with int8-quantised activations
    /// (FBGEMM): about a quarter of the fp32 arithmetic's cost, at an accuracy the caller measures.
    /// Embeddings, layer norms, attention and the classifier stay fp32. The int8 weights are a
    /// snapshot: for inference only.
    pub fn quantize_int8(&mut self) -> tch::Result<()> {
        for layer in &mut self.layers {
            for dense in [
                &mut layer.query,
                &mut layer.key,
                &mut layer.value,
                &mut layer.attention_out,
                &mut layer.intermediate,
                &mut layer.out,
            ] {
                dense.int8 = Some(Int8::of(&dense.weight)?);
            }
        }
        Ok(())
    }
}
