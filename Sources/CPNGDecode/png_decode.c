// PNG decoding with libpng's full API. libpng reports errors by longjmp; that
// stays inside this file: the public function returns a code and a message.

#include "png_decode.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_capacity;
    png_bytep row;   // freed by the caller of decode_with_libpng, even after a longjmp
} decode_state;

static void set_message(decode_state *state, const char *text) {
    if (state->message == NULL || state->message_capacity == 0) return;
    snprintf(state->message, state->message_capacity, "%s", text);
}

static void on_error(png_structp png, png_const_charp text) {
    set_message((decode_state *)png_get_error_ptr(png), text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;   // e.g. "extra compressed data": the image itself is whole
}

static void on_read(png_structp png, png_bytep out, size_t count) {
    decode_state *state = (decode_state *)png_get_io_ptr(png);
    if (count > state->size - state->offset) png_error(png, "the file ends early: truncated");
    memcpy(out, state->data + state->offset, count);
    state->offset += count;
}

/// Every ancillary chunk libpng knows, except tRNS: skipped without being read
/// into memory (no gamma/ICC/text processing, no zTXt or iCCP inflation).
static const png_byte skipped_chunks[] =
    "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0sBIT\0sCAL\0sPLT\0sRGB\0tEXt\0tIME\0zTXt";
enum { skipped_chunk_count = 17 };

static float sample(png_const_bytep row, size_t index, int bit_depth) {
    if (bit_depth == 16) {
        unsigned value = ((unsigned)row[2 * index] << 8) | row[2 * index + 1];
        return (float)value / 65535.0f;
    }
    return (float)row[index] / 255.0f;
}

static int decode_with_libpng(png_structp png, png_infop info, decode_state *state,
                              const latent_png_request *request) {
    if (setjmp(png_jmpbuf(png))) return 1;

    png_set_read_fn(png, state, on_read);
    png_set_user_limits(png, 65535, 65535);
    png_set_chunk_malloc_max(png, request->chunk_malloc_max);
    png_set_chunk_cache_max(png, 128);
    png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks, skipped_chunk_count);

    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int color_type = png_get_color_type(png, info);
    int interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    png_uint_32 channels = (color_type & PNG_COLOR_MASK_COLOR) ? 3 : 1;
    if (width != request->width || height != request->height || channels != request->channels)
        png_error(png, "the header changed between reads");
    if (request->destination_count != (size_t)channels * height * width)
        png_error(png, "the destination does not fit the image");

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    png_read_update_info(png, info);

    int bit_depth = png_get_bit_depth(png, info);
    png_uint_32 samples = png_get_channels(png, info);
    int has_alpha = samples == channels + 1;
    if ((bit_depth != 8 && bit_depth != 16) || (samples != channels && !has_alpha))
        png_error(png, "unexpected sample layout after expansion");
    size_t row_bytes = png_get_rowbytes(png, info);
    if (row_bytes < (size_t)width * samples * (size_t)(bit_depth / 8))
        png_error(png, "unexpected row size after expansion");
    state->row = (png_bytep)malloc(row_bytes);
    if (state->row == NULL) png_error(png, "out of memory for one row");

    const float background = request->alpha == LATENT_PNG_ALPHA_WHITE ? 1.0f : 0.0f;
    const int composite = has_alpha && request->alpha != LATENT_PNG_ALPHA_DROP;
    const size_t plane = (size_t)width * height;
    float *destination = request->destination;

    // Without png_set_interlace_handling, libpng hands an interlaced image over
    // as its 7 reduced pass images (empty passes skipped, as here); each pass's
    // pixels are scattered to their places, so no whole-image buffer is needed.
    for (int pass = 0; pass < (interlaced ? 7 : 1); pass++) {
        png_uint_32 rows = interlaced ? PNG_PASS_ROWS(height, pass) : height;
        png_uint_32 cols = interlaced ? PNG_PASS_COLS(width, pass) : width;
        if (rows == 0 || cols == 0) continue;
        for (png_uint_32 i = 0; i < rows; i++) {
            png_read_row(png, state->row, NULL);
            size_t y = interlaced ? PNG_ROW_FROM_PASS_ROW(i, pass) : i;
            for (png_uint_32 j = 0; j < cols; j++) {
                size_t x = interlaced ? PNG_COL_FROM_PASS_COL(j, pass) : j;
                size_t first = (size_t)j * samples;
                float alpha = composite ? sample(state->row, first + channels, bit_depth) : 1.0f;
                for (png_uint_32 c = 0; c < channels; c++) {
                    float value = sample(state->row, first + c, bit_depth);
                    if (composite) value = value * alpha + background * (1.0f - alpha);
                    destination[c * plane + y * width + x] = value;
                }
            }
        }
    }
    png_read_end(png, NULL);   // checks the last IDAT's CRC and that IEND is there
    return 0;
}

int latent_png_decode(const uint8_t *data, size_t size, const latent_png_request *request,
                      char *message, size_t message_capacity) {
    decode_state state = { data, size, 0, message, message_capacity, NULL };
    set_message(&state, "");
    if (request == NULL || request->destination == NULL || request->channels < 1) {
        set_message(&state, "invalid decode request");
        return 1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (png == NULL) {
        set_message(&state, "out of memory for the PNG reader");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    int status = 1;
    if (info == NULL) set_message(&state, "out of memory for the PNG reader");
    else status = decode_with_libpng(png, info, &state, request);
    png_destroy_read_struct(&png, info ? &info : NULL, NULL);
    free(state.row);
    return status;
}
