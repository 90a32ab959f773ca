import Foundation
@testable import Latent

/// A tiny labelled data set for end-to-end runs: `count` 28×28 images in
/// [0, 1] as `bars.npy` with `bars-labels.npy` beside it. Four classes (a
/// horizontal bar near the top or the bottom, a vertical bar near the left or
/// the right, shifted by up to two pixels) on a faintly noisy background; the
/// reader splits them 80 % / 20 % into training and test images.
///
///     let data = try TinyData.write(into: folder)   // folder/bars.npy, 200 images
enum TinyData {
    static let side = 28
    static let classes = 4

    /// Writes the images and labels; returns the path of the images' .npy file.
    @discardableResult
    static func write(into folder: String, count: Int = 200) throws -> String {
        var rng = RandomGenerator(seed: 14)
        var pixels: [Float] = [], labels: [Float] = []
        pixels.reserveCapacity(count * side * side)
        for i in 0..<count {
            let label = i % classes
            let start = (label % 2 == 0 ? 5 : 18) + (i / classes) % 3
            labels.append(Float(label))
            for y in 0..<side {
                for x in 0..<side {
                    let along = label < 2 ? y : x
                    let onBar = along >= start && along < start + 4
                    let noise = 0.05 * rng.nextUniform()
                    pixels.append(onBar ? 0.95 - noise : noise)
                }
            }
        }
        let path = folder + "/bars.npy"
        try NPY.write(Tensor(pixels, shape: [count, side, side]), to: path)
        try NPY.write(Tensor(labels), to: folder + "/bars-labels.npy")
        return path
    }
}
