#include "CCPU.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <xmmintrin.h>

int latent_cpuid(uint32_t leaf, uint32_t subleaf, latent_cpuid_regs *out) {
    unsigned int a = 0, b = 0, c = 0, d = 0;
    int ok = __get_cpuid_count(leaf, subleaf, &a, &b, &c, &d);
    if (!ok) { a = b = c = d = 0; }
    out->eax = a; out->ebx = b; out->ecx = c; out->edx = d;
    return ok;
}

uint64_t latent_xgetbv0(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0; /* OSXSAVE */
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

uint32_t latent_get_mxcsr(void) { return _mm_getcsr(); }
void latent_set_mxcsr(uint32_t value) { _mm_setcsr(value); }

#else

int latent_cpuid(uint32_t leaf, uint32_t subleaf, latent_cpuid_regs *out) {
    (void)leaf; (void)subleaf;
    out->eax = out->ebx = out->ecx = out->edx = 0;
    return 0;
}
uint64_t latent_xgetbv0(void) { return 0; }
uint32_t latent_get_mxcsr(void) { return 0; }
void latent_set_mxcsr(uint32_t value) { (void)value; }

#endif

float latent_multiply_at_runtime(float a, float b) {
    volatile float x = a, y = b;
    volatile float r = x * y;
    return r;
}
