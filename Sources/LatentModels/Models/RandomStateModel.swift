import LatentTensor

/// Models whose layers own random generators; the trainer saves and restores them with each checkpoint.
public protocol RandomStateModel: TrainableModel {
    func randomStates() -> [String: RandomGenerator]
    func restoreRandomStates(_ states: [String: RandomGenerator]) throws
}
