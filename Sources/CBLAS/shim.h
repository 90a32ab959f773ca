#include <cblas.h>
/* Declared by OpenBLAS but not part of the CBLAS standard header on every distribution. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/* LAPACK symmetric eigen-decomposition (OpenBLAS bundles LAPACK). */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
/* glibc's mallopt, to keep large tensor buffers on the heap (see TensorStorage). */
#include <malloc.h>
