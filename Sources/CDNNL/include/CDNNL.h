#ifndef LATENT_CDNNL_H
#define LATENT_CDNNL_H

#include <stdint.h>

/// Convolutions through oneDNN (the library PyTorch uses for CPU convolutions).
///
/// One cached plan per geometry holds the three primitives (forward, backward-data,
/// backward-weights), the layouts oneDNN chose for them and the reorders between
/// those and Latent's NCHW / OIHW arrays. Plans are created once (creation costs
/// milliseconds) and shared by every thread; each call brings its own scratchpad.
/// All arrays are contiguous float32: x [N, C, H, W], w [O, C, kH, kW], y [N, O, Ho, Wo].

typedef struct latent_dnnl_conv latent_dnnl_conv;

/// The plan for this geometry and thread count (made on first use, then shared), or NULL if oneDNN refuses it.
latent_dnnl_conv *latent_dnnl_conv_plan(int n, int c, int h, int w, int o, int kh, int kw,
                                        int stride, int padding, int dilation, int threads);

/// y = conv(x, w). Returns 0 on success.
int latent_dnnl_conv_forward(latent_dnnl_conv *plan, const float *x, const float *w, float *y);
/// dx = the adjoint of conv(·, w) applied to dy (overwrites dx). Returns 0 on success.
int latent_dnnl_conv_backward_data(latent_dnnl_conv *plan, const float *dy, const float *w, float *dx);
/// dw = Σ over the batch of dy ⋆ x (overwrites dw). Returns 0 on success.
int latent_dnnl_conv_backward_weights(latent_dnnl_conv *plan, const float *x, const float *dy, float *dw);

/// Names of the implementations oneDNN chose for a plan's three primitives, e.g. "jit:avx512_core".
const char *latent_dnnl_impl(latent_dnnl_conv *plan, int which);

/// oneDNN's version as "major.minor.patch".
const char *latent_dnnl_version(void);

/// Runs an OpenMP region on `threads` threads; each multiplies 1e-20 × 1e-20 and
/// stores 1 in flushed[i] when the result is 0 (FTZ|DAZ in effect there). Returns the team size.
int latent_dnnl_probe_flushing(int threads, int *flushed, int capacity);

#endif
