#include <cblas.h>
/* Declared by OpenBLAS but not part of the CBLAS standard header on every distribution. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
