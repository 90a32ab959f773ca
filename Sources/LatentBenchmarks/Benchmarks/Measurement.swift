/// Best and median of repeated measurements.
public struct Measurement: Codable, Sendable {
    public let best: Double
    public let median: Double

    public init(_ values: [Double], higherIsBetter: Bool) {
        let sorted = values.sorted()
        best = higherIsBetter ? sorted.last! : sorted.first!
        median = sorted[sorted.count / 2]
    }
}
