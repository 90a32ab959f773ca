#ifndef LATENT_PNG_DECODE_H
#define LATENT_PNG_DECODE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What happens to alpha (an alpha channel or a tRNS chunk).
typedef enum {
    LATENT_PNG_ALPHA_DROP = 0,   ///< keep the colour samples as stored
    LATENT_PNG_ALPHA_BLACK = 1,  ///< v * a + 0 * (1 - a)
    LATENT_PNG_ALPHA_WHITE = 2,  ///< v * a + 1 * (1 - a)
} latent_png_alpha;

/// One decode request: the caller has already read and validated the header
/// and owns `destination`, which holds exactly channels * height * width floats.
typedef struct {
    uint32_t width;             ///< the width the caller validated (IHDR)
    uint32_t height;            ///< the height the caller validated (IHDR)
    uint32_t channels;          ///< 1 (gray, gray+alpha) or 3 (RGB, RGBA, palette)
    latent_png_alpha alpha;
    size_t chunk_malloc_max;    ///< the most libpng may allocate for one chunk
    float *destination;         ///< planar [channels, height, width], row-major
    size_t destination_count;   ///< must be channels * height * width
} latent_png_request;

/// Decodes a PNG held in memory into `request->destination`: raw samples with no
/// gamma, sRGB or ICC conversion, 8-bit samples / 255, 16-bit samples / 65535,
/// 1/2/4-bit gray scaled to the full range, palette expanded through PLTE, tRNS
/// taken as alpha, Adam7 interlacing undone. Ancillary chunks other than tRNS are
/// skipped unread; every CRC is checked.
///
/// Returns 0 on success. Otherwise returns non-zero and leaves a one-line reason
/// (NUL-terminated, truncated to `message_capacity`) in `message`; the
/// destination may then be partly written. Never longjmps out, never aborts.
int latent_png_decode(const uint8_t *data, size_t size, const latent_png_request *request,
                      char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif
