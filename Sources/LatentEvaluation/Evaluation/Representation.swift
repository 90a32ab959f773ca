import Foundation
import LatentTensor
import LatentNN
import LatentData

/// How useful a model's codes are: a linear probe (multinomial logistic
/// regression trained on the training codes, scored on the test codes),
/// k-means clustering with its silhouette score and agreement with the labels
/// (adjusted Rand index).
///
/// ```swift
/// let accuracy = Representation.linearProbe(train: codes, trainLabels: y, test: testCodes, testLabels: yTest)
/// let clusters = Representation.kMeans(testCodes, k: 10, rng: &rng)
/// let ari = Representation.adjustedRandIndex(clusters.assignments, yTest)
/// ```
public enum Representation {
    /// Test accuracy of softmax regression on standardised codes (Adam, full-batch epochs).
    public static func linearProbe(train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int],
                                   epochs: Int = 100, learningRate: Float = 0.05, seed: UInt64 = 0) -> Double {
        let classes = (trainLabels.max() ?? 0) + 1
        let mean = train.mean(axis: 0), std = ((train - mean).pow(2).mean(axis: 0) + 1e-8).sqrt()
        let x = (train - mean) / std, xt = (test - mean) / std
        var rng = RandomGenerator(seed: seed)
        let probe = Linear(train.shape[1], classes, rng: &rng)
        let adam = Adam(probe.parameters(), learningRate: learningRate)
        for _ in 0..<epochs {
            for indices in MiniBatches(count: x.shape[0], batchSize: 512, shuffle: &rng) {
                let loss = Loss.crossEntropy(probe(x.gatherRows(indices)), labels: indices.map { trainLabels[$0] })
                adam.zeroGrad(); loss.backward(); adam.step()
            }
        }
        let predicted = withoutGradient { probe(xt).argmax(axis: 1).scalars }
        return Double(zip(predicted, testLabels).filter { Int($0) == $1 }.count) / Double(testLabels.count)
    }

    /// Lloyd's k-means with k-means++ seeding; the best of `restarts` runs by inertia.
    public static func kMeans(_ x: Tensor, k: Int, iterations: Int = 100, restarts: Int = 3, rng: inout RandomGenerator)
        -> (assignments: [Int], centroids: [[Double]], inertia: Double) {
        let (n, d) = (x.shape[0], x.shape[1])
        let v = x.scalars.map(Double.init)
        func distance2(_ i: Int, _ c: [Double]) -> Double { var s = 0.0; for j in 0..<d { let t = v[i * d + j] - c[j]; s += t * t }; return s }
        var best: ([Int], [[Double]], Double) = ([], [], .infinity)
        for _ in 0..<restarts {
            let first = Int(rng.next() % UInt64(n))
            var centroids = [Array(v[(first * d)..<(first * d + d)])]
            while centroids.count < k {
                let weights = (0..<n).map { i in centroids.map { distance2(i, $0) }.min()! }
                let total = weights.reduce(0, +)
                var u = Double(rng.nextUniform()) * total
                var pick = n - 1
                for (i, w) in weights.enumerated() { u -= w; if u <= 0 { pick = i; break } }
                centroids.append(Array(v[(pick * d)..<(pick * d + d)]))
            }
            var assignments = [Int](repeating: 0, count: n)
            for _ in 0..<iterations {
                var changed = false
                for i in 0..<n {
                    let c = (0..<k).min { distance2(i, centroids[$0]) < distance2(i, centroids[$1]) }!
                    if c != assignments[i] { assignments[i] = c; changed = true }
                }
                var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k), counts = [Int](repeating: 0, count: k)
                for i in 0..<n { counts[assignments[i]] += 1; for j in 0..<d { sums[assignments[i]][j] += v[i * d + j] } }
                for c in 0..<k where counts[c] > 0 { centroids[c] = sums[c].map { $0 / Double(counts[c]) } }
                if !changed { break }
            }
            let inertia = (0..<n).map { distance2($0, centroids[assignments[$0]]) }.reduce(0, +)
            if inertia < best.2 { best = (assignments, centroids, inertia) }
        }
        return (best.0, best.1, best.2)
    }

    /// Mean silhouette s = (b − a)/max(a, b) over points (exact, O(N²)).
    public static func silhouette(_ x: Tensor, _ assignments: [Int]) -> Double {
        let (n, d) = (x.shape[0], x.shape[1])
        let v = x.scalars.map(Double.init)
        let k = (assignments.max() ?? 0) + 1
        var total = 0.0
        for i in 0..<n {
            var sums = [Double](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
            for j in 0..<n where j != i {
                var s = 0.0
                for t in 0..<d { let q = v[i * d + t] - v[j * d + t]; s += q * q }
                sums[assignments[j]] += s.squareRoot()
                counts[assignments[j]] += 1
            }
            let own = assignments[i]
            guard counts[own] > 0 else { continue }   // a singleton scores 0
            let a = sums[own] / Double(counts[own])
            let b = (0..<k).filter { $0 != own && counts[$0] > 0 }.map { sums[$0] / Double(counts[$0]) }.min() ?? a
            total += Swift.max(a, b) > 0 ? (b - a) / Swift.max(a, b) : 0
        }
        return total / Double(n)
    }

    /// Adjusted Rand index between two labelings (1 = identical partitions, ≈ 0 = chance).
    public static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count, "ARI: labelings of different lengths")
        func choose2(_ x: Int) -> Double { Double(x) * Double(x - 1) / 2 }
        var table: [Int: [Int: Int]] = [:]
        var rows: [Int: Int] = [:], cols: [Int: Int] = [:]
        for (x, y) in zip(a, b) { table[x, default: [:]][y, default: 0] += 1; rows[x, default: 0] += 1; cols[y, default: 0] += 1 }
        let index = table.values.flatMap { $0.values }.map(choose2).reduce(0, +)
        let sumRows = rows.values.map(choose2).reduce(0, +), sumCols = cols.values.map(choose2).reduce(0, +)
        let expected = sumRows * sumCols / choose2(a.count)
        let maximum = (sumRows + sumCols) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }
}
