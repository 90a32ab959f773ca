#ifndef LATENT_CCPU_H
#define LATENT_CCPU_H

#include <stdint.h>

/// The four registers one CPUID leaf returns.
typedef struct {
    uint32_t eax, ebx, ecx, edx;
} latent_cpuid_regs;

/// Executes CPUID for `leaf`/`subleaf`. Returns 0 (and zeros) when the leaf is above the CPU's maximum.
int latent_cpuid(uint32_t leaf, uint32_t subleaf, latent_cpuid_regs *out);

/// XCR0 (which register states the OS saves): bits 1-2 SSE/AVX, 5-7 AVX-512. 0 when OSXSAVE is off.
uint64_t latent_xgetbv0(void);

/// The SSE control/status register of the calling thread (MXCSR is per thread).
uint32_t latent_get_mxcsr(void);
void latent_set_mxcsr(uint32_t value);

/// Multiplies two floats on the calling thread, through a volatile so the
/// compiler cannot fold it: the result shows the thread's FTZ/DAZ state.
float latent_multiply_at_runtime(float a, float b);

/// OpenBLAS internals (exported by the library, not declared in cblas.h).
char *openblas_get_corename(void);
char *openblas_get_config(void);
/// Stops OpenBLAS's worker threads; the next threaded call starts them again
/// from the calling thread (which passes its MXCSR on to them).
void blas_thread_shutdown_(void);
/// Reads OpenBLAS's environment variables again (OPENBLAS_THREAD_TIMEOUT among them); the worker
/// threads take the timeout when they are next started.
void openblas_read_env(void);
/// The OPENBLAS_THREAD_TIMEOUT OpenBLAS read (0: unset, its built-in 2^28 cycles).
int openblas_thread_timeout(void);

/// Sixteen floats, imported into Swift as SIMD16<Float> (LatentTensor's `Vec`).
typedef float latent_float16 __attribute__((ext_vector_type(16)));

/// The square root of every lane in one vector instruction (vsqrtps). Swift's
/// SIMD16<Float>.squareRoot() is sixteen scalar sqrtf calls, each behind an errno
/// branch; inlined into Swift code, this is one instruction per vector.
static inline __attribute__((always_inline)) latent_float16 latent_sqrt16(latent_float16 x) {
    return __builtin_elementwise_sqrt(x);
}

#endif
