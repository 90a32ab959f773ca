// `import Latent` brings every layer of the library; each layer is its own
// target (see docs/ARCHITECTURE.md) and can be imported alone.
@_exported import LatentTensor
@_exported import LatentNN
@_exported import LatentData
@_exported import LatentOutput
@_exported import LatentEvaluation
@_exported import LatentModels
@_exported import LatentRuns
@_exported import LatentExperiments
@_exported import LatentBenchmarks
