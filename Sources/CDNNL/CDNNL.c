#include "CDNNL.h"
#include <dnnl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmmintrin.h>

// oneDNN is loaded on first use (dlopen), not linked: Debian's build runs on GNU OpenMP,
// whose workers spin after every parallel region unless OMP_WAIT_POLICY says otherwise,
// and libgomp reads that variable only when it loads. Spinning workers halved the speed of
// a 2-thread DCGAN step (they compete with OpenBLAS's and the main thread's work), so
// OMP_WAIT_POLICY=passive is set first unless the environment already sets it. Without
// libdnnl.so.2 every plan is NULL and convolutions take the im2col path.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
void omp_set_num_threads(int);

#define DNNL_FUNCTIONS(X) X(dnnl_dilated_convolution_backward_data_desc_init) X(dnnl_dilated_convolution_backward_weights_desc_init) X(dnnl_dilated_convolution_forward_desc_init) X(dnnl_engine_create) X(dnnl_memory_create) X(dnnl_memory_desc_equal) X(dnnl_memory_desc_get_size) X(dnnl_memory_desc_init_by_tag) X(dnnl_memory_destroy) X(dnnl_primitive_attr_create) X(dnnl_primitive_attr_destroy) X(dnnl_primitive_attr_set_scratchpad_mode) X(dnnl_primitive_create) X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_destroy) X(dnnl_primitive_desc_query) X(dnnl_primitive_desc_query_md) X(dnnl_primitive_execute) X(dnnl_reorder_primitive_desc_create) X(dnnl_stream_create) X(dnnl_stream_destroy) X(dnnl_stream_wait) X(dnnl_version) X(GOMP_parallel) X(omp_get_num_threads) X(omp_get_thread_num) X(omp_set_num_threads)
#define DECLARE(f) static __typeof__(&f) f##_ptr;
DNNL_FUNCTIONS(DECLARE)
#define D(f) f##_ptr

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_state;   // 0 not tried, 1 loaded, -1 unavailable

/// Loads libdnnl.so.2 (and with it libgomp) once; 1 when every entry point was found.
static int load_dnnl(void) {
    pthread_mutex_lock(&load_lock);
    if (load_state == 0) {
        setenv("OMP_WAIT_POLICY", "passive", 0);
        void *h = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
        int ok = h != NULL;
#define RESOLVE(f) if (ok) { *(void **)&f##_ptr = dlsym(h, #f); ok = f##_ptr != NULL; }
        DNNL_FUNCTIONS(RESOLVE)
#undef RESOLVE
        load_state = ok ? 1 : -1;
    }
    int ok = load_state == 1;
    pthread_mutex_unlock(&load_lock);
    return ok;
}

#define FLUSH_BITS 0x8040u

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine;


const char *latent_dnnl_version(void) {
    static char text[32];
    if (!load_dnnl()) return "unavailable";
    const dnnl_version_t *v = D(dnnl_version)();
    snprintf(text, sizeof text, "%d.%d.%d", v->major, v->minor, v->patch);
    return text;
}

// One primitive with the layouts it computes in and the reorders to and from Latent's arrays.
typedef struct {
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    dnnl_memory_desc_t md[3];        // what the primitive wants: [src-side, weights-side, dst-side]
    dnnl_primitive_t to[3], from[3]; // user → internal (inputs), internal → user (the output); NULL: same layout
    size_t scratch;
} step;

struct latent_dnnl_conv {
    int key[11];                     // the geometry and the thread count (oneDNN sizes per-thread buffers at creation)
    dnnl_memory_desc_t user[3];      // NCHW src, OIHW weights, NCHW dst
    step steps[3];
    struct latent_dnnl_conv *next;
};

static struct latent_dnnl_conv *plans;

// Every OpenMP worker gets the caller's FTZ/DAZ bits: MXCSR is per thread and
// the OpenMP team may have been created before the caller set them.
typedef struct { unsigned bits; } mxcsr_job;
static void set_mxcsr(void *data) {
    unsigned bits = ((mxcsr_job *)data)->bits;
    _mm_setcsr((_mm_getcsr() & ~FLUSH_BITS) | bits);
}
static int prepare_threads(int threads) {
    D(omp_set_num_threads)(threads);
    if (threads > 1) {
        mxcsr_job job = { _mm_getcsr() & FLUSH_BITS };
        D(GOMP_parallel)(set_mxcsr, &job, (unsigned)threads, 0);
    }
    return threads;
}

typedef struct { int *flushed; int capacity; int team; } probe_job;
static void probe(void *data) {
    probe_job *job = data;
    volatile float a = 1e-20f, b = 1e-20f;
    float r = a * b;
    int i = D(omp_get_thread_num)();
    if (i == 0) job->team = D(omp_get_num_threads)();
    if (i < job->capacity) job->flushed[i] = (r == 0.0f);
}
int latent_dnnl_probe_flushing(int threads, int *flushed, int capacity) {
    if (!load_dnnl()) return 0;
    prepare_threads(threads);
    probe_job job = { flushed, capacity, 0 };
    D(GOMP_parallel)(probe, &job, (unsigned)threads, 0);
    return job.team;
}

static int desc4(dnnl_memory_desc_t *m, int a, int b, int c, int d, dnnl_format_tag_t tag) {
    dnnl_dims_t dims = { a, b, c, d };
    return D(dnnl_memory_desc_init_by_tag)(m, 4, dims, dnnl_f32, tag) != dnnl_success;
}

static int make_reorder(dnnl_primitive_t *out, const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b) {
    *out = NULL;
    if (D(dnnl_memory_desc_equal)(a, b)) return 0;
    dnnl_primitive_desc_t pd;
    if (D(dnnl_reorder_primitive_desc_create)(&pd, a, engine, b, engine, NULL) != dnnl_success) return 1;
    dnnl_status_t s = D(dnnl_primitive_create)(out, pd);
    D(dnnl_primitive_desc_destroy)(pd);
    return s != dnnl_success;
}

// which: 0 forward, 1 backward-data, 2 backward-weights. Inputs of each: fwd (src, wei) → dst;
// bwd-data (dst, wei) → src; bwd-weights (src, dst) → wei.
static const int output_of[3] = { 2, 0, 1 };

static int make_step(struct latent_dnnl_conv *p, int which, int blocked, const int *k, dnnl_primitive_desc_t hint) {
    int n = k[0], c = k[1], h = k[2], w = k[3], o = k[4], kh = k[5], kw = k[6], s = k[7], pad = k[8], dil = k[9];
    int ho = (h + 2 * pad - dil * (kh - 1) - 1) / s + 1, wo = (w + 2 * pad - dil * (kw - 1) - 1) / s + 1;
    dnnl_format_tag_t tag = blocked ? dnnl_format_tag_any : dnnl_abcd;
    dnnl_memory_desc_t src, wei, dst;
    if (desc4(&src, n, c, h, w, tag) || desc4(&wei, o, c, kh, kw, tag) || desc4(&dst, n, o, ho, wo, tag)) return 1;
    dnnl_dims_t strides = { s, s }, dilates = { dil - 1, dil - 1 }, pl = { pad, pad }, pr = { pad, pad };
    dnnl_convolution_desc_t cd;
    dnnl_status_t st;
    if (which == 0)
        st = D(dnnl_dilated_convolution_forward_desc_init)(&cd, dnnl_forward_training, dnnl_convolution_direct, &src, &wei,
                                                        NULL, &dst, strides, dilates, pl, pr);
    else if (which == 1)
        st = D(dnnl_dilated_convolution_backward_data_desc_init)(&cd, dnnl_convolution_direct, &src, &wei, &dst, strides,
                                                              dilates, pl, pr);
    else
        st = D(dnnl_dilated_convolution_backward_weights_desc_init)(&cd, dnnl_convolution_direct, &src, &wei, NULL, &dst,
                                                                 strides, dilates, pl, pr);
    if (st != dnnl_success) return 1;
    dnnl_primitive_attr_t attr;
    if (D(dnnl_primitive_attr_create)(&attr) != dnnl_success) return 1;
    D(dnnl_primitive_attr_set_scratchpad_mode)(attr, dnnl_scratchpad_mode_user);
    step *t = &p->steps[which];
    st = D(dnnl_primitive_desc_create)(&t->pd, &cd, attr, engine, hint);
    D(dnnl_primitive_attr_destroy)(attr);
    if (st != dnnl_success) return 1;
    if (D(dnnl_primitive_create)(&t->prim, t->pd) != dnnl_success) return 1;
    const dnnl_query_t q[3][3] = {
        { dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md },
        { dnnl_query_diff_src_md, dnnl_query_weights_md, dnnl_query_diff_dst_md },
        { dnnl_query_src_md, dnnl_query_diff_weights_md, dnnl_query_diff_dst_md },
    };
    for (int i = 0; i < 3; i++) {
        t->md[i] = *D(dnnl_primitive_desc_query_md)(t->pd, q[which][i], 0);
        int bad = i == output_of[which] ? make_reorder(&t->from[i], &t->md[i], &p->user[i])
                                        : make_reorder(&t->to[i], &p->user[i], &t->md[i]);
        if (bad) return 1;
    }
    t->scratch = D(dnnl_memory_desc_get_size)(D(dnnl_primitive_desc_query_md)(t->pd, dnnl_query_scratchpad_md, 0));
    return 0;
}

const char *latent_dnnl_impl(latent_dnnl_conv *plan, int which) {
    const char *impl = "?";
    if (plan && which >= 0 && which < 3) D(dnnl_primitive_desc_query)(plan->steps[which].pd, dnnl_query_impl_info_str, 0, &impl);
    return impl;
}

latent_dnnl_conv *latent_dnnl_conv_plan(int n, int c, int h, int w, int o, int kh, int kw, int stride, int padding,
                                        int dilation, int threads) {
    if (!load_dnnl()) return NULL;
    int key[11] = { n, c, h, w, o, kh, kw, stride, padding, dilation, threads < 1 ? 1 : threads };
    pthread_mutex_lock(&lock);
    D(omp_set_num_threads)(key[10]);
    struct latent_dnnl_conv *p = plans;
    while (p && memcmp(p->key, key, sizeof key) != 0) p = p->next;
    if (!p) {
        if (!engine && D(dnnl_engine_create)(&engine, dnnl_cpu, 0) != dnnl_success) engine = NULL;
        p = engine ? calloc(1, sizeof *p) : NULL;
        if (p) {
            memcpy(p->key, key, sizeof key);
            int ho = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1;
            int wo = (w + 2 * padding - dilation * (kw - 1) - 1) / stride + 1;
            int bad = desc4(&p->user[0], n, c, h, w, dnnl_abcd) || desc4(&p->user[1], o, c, kh, kw, dnnl_abcd)
                      || desc4(&p->user[2], n, o, ho, wo, dnnl_abcd);
            // oneDNN's blocked layouts (channels in blocks of 16) win on every shape measured but one:
            // the backward-data pass into fewer than 16 channels (an image layer's), which pads the
            // channels to 16 and ran 20-40x slower; that pass keeps NCHW (oneDNN's GEMM-based kernel).
            bad = bad || make_step(p, 0, 1, key, NULL);
            bad = bad || make_step(p, 1, c >= 16, key, p->steps[0].pd);
            bad = bad || make_step(p, 2, 1, key, p->steps[0].pd);
            if (bad) { free(p); p = NULL; }   // (a failed plan's primitives leak once; oneDNN refusing a shape is rare)
            else { p->next = plans; plans = p; }
        }
    }
    pthread_mutex_unlock(&lock);
    return p;
}

static int reorder(dnnl_primitive_t r, const dnnl_memory_desc_t *a, void *pa, const dnnl_memory_desc_t *b, void *pb,
                   dnnl_stream_t stream) {
    dnnl_memory_t ma, mb;
    if (D(dnnl_memory_create)(&ma, a, engine, pa) != dnnl_success) return 1;
    if (D(dnnl_memory_create)(&mb, b, engine, pb) != dnnl_success) { D(dnnl_memory_destroy)(ma); return 1; }
    dnnl_exec_arg_t args[2] = { { DNNL_ARG_FROM, ma }, { DNNL_ARG_TO, mb } };
    dnnl_status_t s = D(dnnl_primitive_execute)(r, stream, 2, args);
    D(dnnl_memory_destroy)(ma);
    D(dnnl_memory_destroy)(mb);
    return s != dnnl_success;
}

static void *alloc64(size_t bytes) { return bytes ? aligned_alloc(64, (bytes + 63) / 64 * 64) : NULL; }

// arrays[i]: Latent's array for src (0), weights (1), dst (2) sides.
static int run(latent_dnnl_conv *p, int which, void *arrays[3]) {
    static const int args_of[3][3] = {
        { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST },
        { DNNL_ARG_DIFF_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_DST },
        { DNNL_ARG_SRC, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_DST },
    };
    step *t = &p->steps[which];
    prepare_threads(p->key[10]);
    dnnl_stream_t stream;
    if (D(dnnl_stream_create)(&stream, engine, dnnl_stream_default_flags) != dnnl_success) return 1;
    int bad = 0;
    void *inner[3] = { 0 };
    for (int i = 0; i < 3; i++) {
        if (!t->to[i] && !t->from[i]) { inner[i] = arrays[i]; continue; }
        inner[i] = alloc64(D(dnnl_memory_desc_get_size)(&t->md[i]));
        if (!inner[i]) bad = 1;
        else if (t->to[i]) bad = bad || reorder(t->to[i], &p->user[i], arrays[i], &t->md[i], inner[i], stream);
    }
    void *scratch = alloc64(t->scratch);
    dnnl_memory_t mems[4] = { 0 };
    dnnl_exec_arg_t args[4];
    int count = 0;
    for (int i = 0; i < 3 && !bad; i++, count++) {
        bad = D(dnnl_memory_create)(&mems[i], &t->md[i], engine, inner[i]) != dnnl_success;
        args[i].arg = args_of[which][i];
        args[i].memory = mems[i];
    }
    if (!bad && t->scratch) {
        bad = D(dnnl_memory_create)(&mems[3], D(dnnl_primitive_desc_query_md)(t->pd, dnnl_query_scratchpad_md, 0), engine, scratch)
              != dnnl_success;
        args[3].arg = DNNL_ARG_SCRATCHPAD;
        args[3].memory = mems[3];
        count = 4;
    }
    if (!bad) bad = D(dnnl_primitive_execute)(t->prim, stream, count, args) != dnnl_success;
    int out = output_of[which];
    if (!bad && t->from[out]) bad = reorder(t->from[out], &t->md[out], inner[out], &p->user[out], arrays[out], stream);
    if (!bad) bad = D(dnnl_stream_wait)(stream) != dnnl_success;
    for (int i = 0; i < 4; i++) if (mems[i]) D(dnnl_memory_destroy)(mems[i]);
    for (int i = 0; i < 3; i++) if (inner[i] != arrays[i]) free(inner[i]);
    free(scratch);
    D(dnnl_stream_destroy)(stream);
    return bad;
}

int latent_dnnl_conv_forward(latent_dnnl_conv *plan, const float *x, const float *w, float *y) {
    void *a[3] = { (void *)x, (void *)w, y };
    return run(plan, 0, a);
}
int latent_dnnl_conv_backward_data(latent_dnnl_conv *plan, const float *dy, const float *w, float *dx) {
    void *a[3] = { dx, (void *)w, (void *)dy };
    return run(plan, 1, a);
}
int latent_dnnl_conv_backward_weights(latent_dnnl_conv *plan, const float *x, const float *dy, float *dw) {
    void *a[3] = { (void *)x, dw, (void *)dy };
    return run(plan, 2, a);
}
