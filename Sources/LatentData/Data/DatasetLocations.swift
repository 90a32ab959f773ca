import Foundation
import LatentTensor

/// Where the named image data sets live on a machine.
public enum DatasetLocations {
    /// Fashion-MNIST as installed by Debian's `dataset-fashion-mnist` package.
    public static let fashionMNIST = "/usr/share/datasets/fashion-mnist"

    /// Where `latent data download mnist` puts MNIST: ~/.cache/latent/mnist.
    public static var mnistCache: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/latent/mnist"
    }

    /// Fashion-MNIST's training or test split, or an error that says how to install it.
    public static func loadFashionMNIST(_ split: LabeledImages.Split) throws -> LabeledImages {
        guard FileManager.default.fileExists(atPath: fashionMNIST) else {
            throw LatentError.invalidFile(path: fashionMNIST,
                                          reason: "Fashion-MNIST is not installed; run `sudo apt-get install dataset-fashion-mnist`")
        }
        return try LabeledImages.idx(directory: fashionMNIST, split: split)
    }
}
