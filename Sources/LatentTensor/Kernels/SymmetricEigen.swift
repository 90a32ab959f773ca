import CBLAS

/// Eigen-decomposition of a real symmetric matrix in double precision
/// (LAPACK `dsyevd`). Eigenvalues ascending; eigenvector i is column i.
///
/// ```swift
/// let (values, vectors) = try SymmetricEigen.decompose([2, 1, 1, 2], n: 2)   // values [1, 3]
/// ```
public enum SymmetricEigen {
    /// `matrix` is n×n row-major (only symmetric input is meaningful).
    /// Returns eigenvalues ascending and eigenvectors as the columns of an n×n row-major matrix.
    public static func decompose(_ matrix: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        precondition(matrix.count == n * n, "SymmetricEigen: \(matrix.count) entries for n = \(n)")
        guard n > 0 else { return ([], []) }
        guard matrix.allSatisfy(\.isFinite) else { throw LatentError.nonFinite("eigen-decomposition of a matrix with NaN or infinite entries") }
        // Row-major symmetric = column-major symmetric; LAPACK returns column-major vectors.
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var info: Int32 = 0
        var nn = Int32(n), lda = Int32(n)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [Int32](repeating: 0, count: 1)
        "V".withCString { jobz in "U".withCString { uplo in
            dsyevd_(jobz, uplo, &nn, &a, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        } }
        lwork = Int32(workQuery[0]); liwork = iworkQuery[0]
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        "V".withCString { jobz in "U".withCString { uplo in
            dsyevd_(jobz, uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        } }
        guard info == 0 else { throw LatentError.invalidArgument("eigen-decomposition failed (LAPACK info \(info))") }
        // a is column-major: a[col * n + row] = vector col, component row → transpose to row-major columns.
        var vectors = [Double](repeating: 0, count: n * n)
        for col in 0..<n { for row in 0..<n { vectors[row * n + col] = a[col * n + row] } }
        return (w, vectors)
    }
}
