//! Optional i8 scalar quantization: one offset and one scale per dimension, trained
//! on the vectors present when it is enabled; later vectors are clamped to the
//! trained range. Searches traverse the graph on decoded codes and re-rank the
//! candidates with the exact f32 vectors.

pub(crate) struct Quantizer {
    stride: usize,
    mid: Vec<f32>,
    scale: Vec<f32>,
    inv: Vec<f32>,
    pub codes: Vec<i8>,
}

impl Quantizer {
    /// Trains on `vectors` (prepared, `stride` lanes each) and encodes them.
    pub fn train(stride: usize, vectors: &[f32]) -> Self {
        let mut lo = vec![f32::INFINITY; stride];
        let mut hi = vec![f32::NEG_INFINITY; stride];
        for v in vectors.chunks_exact(stride) {
            for (i, x) in v.iter().enumerate() {
                lo[i] = lo[i].min(*x);
                hi[i] = hi[i].max(*x);
            }
        }
        let mut mid = vec![0.0; stride];
        let mut scale = vec![0.0; stride];
        let mut inv = vec![0.0; stride];
        for i in 0..stride {
            if lo[i].is_finite() && hi[i] > lo[i] {
                mid[i] = 0.5 * (lo[i] + hi[i]);
                scale[i] = (hi[i] - lo[i]) / 254.0;
                inv[i] = 1.0 / scale[i];
            } else if lo[i].is_finite() {
                mid[i] = lo[i];
            }
        }
        let mut q = Quantizer {
            stride,
            mid,
            scale,
            inv,
            codes: Vec::with_capacity(vectors.len()),
        };
        for v in vectors.chunks_exact(stride) {
            q.push(v);
        }
        q
    }

    /// Rebuilds a quantizer from stored parts; `None` if their lengths disagree.
    pub fn from_parts(
        stride: usize,
        mid: Vec<f32>,
        scale: Vec<f32>,
        codes: Vec<i8>,
    ) -> Option<Self> {
        if mid.len() != stride
            || scale.len() != stride
            || !codes.len().is_multiple_of(stride.max(1))
        {
            return None;
        }
        let inv = scale
            .iter()
            .map(|s| if *s > 0.0 { 1.0 / s } else { 0.0 })
            .collect();
        Some(Quantizer {
            stride,
            mid,
            scale,
            inv,
            codes,
        })
    }

    pub fn parts(&self) -> (&[f32], &[f32], &[i8]) {
        (&self.mid, &self.scale, &self.codes)
    }

    /// Appends the code of one prepared vector.
    pub fn push(&mut self, v: &[f32]) {
        for ((x, m), k) in v.iter().zip(&self.mid).zip(&self.inv).take(self.stride) {
            let c = ((x - m) * k).round().clamp(-127.0, 127.0);
            self.codes.push(c as i8);
        }
    }

    /// The codes of node `id`.
    #[inline(always)]
    pub fn codes_of(&self, id: u32) -> &[i8] {
        let s = id as usize * self.stride;
        &self.codes[s..s + self.stride]
    }

    /// Decodes the vector of node `id` into `out` (`stride` lanes).
    #[inline(always)]
    pub fn decode(&self, id: u32, out: &mut [f32]) {
        let codes = self.codes_of(id);
        for (((o, c), m), k) in out.iter_mut().zip(codes).zip(&self.mid).zip(&self.scale) {
            *o = f32::from(*c).mul_add(*k, *m);
        }
    }

    pub fn memory_bytes(&self) -> usize {
        self.codes.capacity() + 12 * self.stride
    }
}
