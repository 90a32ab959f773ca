// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Latent",
    products: [
        .library(name: "Latent", targets: ["Latent"]),
        .executable(name: "latent", targets: ["LatentCLI"]),
        // `make serve`: the browser view of runs, its own product so `make build`/`make demo` never compile a server.
        .executable(name: "latent-serve", targets: ["LatentServeCLI"]),
    ],
    // `make build-mpi`: `--traits MPI` compiles the Open MPI communicator (`#if MPI`); without it nothing asks for MPI.
    // `make build TRAITS=TensorBoard` (and `make test`): `--tensorboard`'s event-file writer, which needs swift-protobuf.
    traits: [.trait(name: "MPI", description: "Data-parallel training over Open MPI (libopenmpi-dev)."),
             .trait(name: "TensorBoard", description: "TensorBoard event files from `latent train --tensorboard` (swift-protobuf).")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // TensorBoard event files (`train --tensorboard`): the messages are hand-written conformances, no protoc plugin.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .target(name: "CPNGDecode", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CCPU", linkerSettings: [.linkedLibrary("openblas")]),
        // oneDNN's convolutions (Debian libdnnl-dev's header; libdnnl.so.2 opened on first use) behind a C plan cache.
        .target(name: "CDNNL", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // The library in layers (docs/ARCHITECTURE.md draws the graph); a target sees only the targets it names.
        .target(name: "LatentTensor", dependencies: ["CBLAS", "CCPU", "CDNNL"]),
        .target(name: "LatentNN", dependencies: ["LatentTensor", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        .target(name: "LatentData", dependencies: ["LatentTensor", "CZlib", "CPNG", "CPNGDecode"]),
        .target(name: "LatentOutput", dependencies: ["LatentTensor", "LatentData"]),
        .target(name: "LatentEvaluation", dependencies: ["LatentTensor", "LatentNN", "LatentData"]),
        .target(name: "LatentModels", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentOutput"]),
        // TensorBoard's event files (package trait TensorBoard): record framing with CRC-32C and the Event/Summary messages.
        .target(name: "LatentTensorBoard", dependencies: ["LatentTensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "LatentRuns", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentOutput", "LatentEvaluation",
                                                   "LatentModels", .target(name: "LatentTensorBoard", condition: .when(traits: ["TensorBoard"]))]),
        .target(name: "LatentExperiments", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentOutput",
                                                          "LatentEvaluation", "LatentModels", "LatentRuns"]),
        .target(name: "LatentBenchmarks", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentOutput",
                                                         "LatentModels"]),
        // `import Latent`: one file re-exporting every layer above.
        .target(name: "Latent", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentOutput", "LatentEvaluation",
                                               "LatentModels", "LatentRuns", "LatentExperiments", "LatentBenchmarks"]),
        .executableTarget(name: "LatentCLI", dependencies: [
            "Latent",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // `latent-serve`: the web application (no sockets in LatentServe's logic; FlyingFox only in ServeServer).
        .target(name: "LatentServe", dependencies: ["LatentTensor", "LatentData", "LatentEvaluation", "LatentModels", "LatentRuns",
                                                    "LatentExperiments", .product(name: "FlyingFox", package: "FlyingFox"),
                                                    .product(name: "FlyingSocks", package: "FlyingFox")]),
        .executableTarget(name: "LatentServeCLI", dependencies: [
            "LatentServe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Replays files through each reader; built with -D FUZZING (make fuzz) it is a libFuzzer target.
        .target(name: "LatentFuzzing", dependencies: ["Latent"]),
        .executableTarget(name: "LatentFuzz", dependencies: ["Latent", "LatentFuzzing"]),
        .testTarget(name: "LatentTests", dependencies: ["Latent", "LatentFuzzing", "LatentServe",
                                                        .target(name: "LatentTensorBoard", condition: .when(traits: ["TensorBoard"]))],
                    exclude: ["Fixtures/fuzz"],
                    resources: [.copy("Fixtures/pngsuite")]),
        // Runs the built `latent` binary as a user would (a test target cannot import an executable target):
        // every command's --help, `--version`, and a tiny end-to-end run of every command.
        .testTarget(name: "LatentCLITests", dependencies: ["Latent"]),
    ]
)
