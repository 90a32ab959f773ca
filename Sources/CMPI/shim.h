// Open MPI's C API for Swift. mpi.h defines its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, ...)
// as macros over addresses of globals, which Swift cannot import; these inline functions return them.
// Only built when the package trait "MPI" is on (`make build-mpi`).
#ifndef LATENT_CMPI_SHIM_H
#define LATENT_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm latent_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype latent_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype latent_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype latent_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op latent_mpi_sum(void) { return MPI_SUM; }
static inline void *latent_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int latent_mpi_success(void) { return MPI_SUCCESS; }
static inline int latent_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }

/// The library's version line ("Open MPI v4.1.4, ...") into `buffer`; returns its length.
static inline int latent_mpi_library_version(char *buffer, int capacity) {
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return 0;
    if (length >= capacity) length = capacity - 1;
    for (int i = 0; i < length; i++) buffer[i] = text[i];
    buffer[length] = 0;
    return length;
}
#endif
