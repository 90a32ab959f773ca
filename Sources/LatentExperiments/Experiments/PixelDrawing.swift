import LatentTensor
import LatentModels
import LatentRuns

extension TrainedRun {
    /// The run's model as a `PixelDrawingModel` for `command --draw`, or one line
    /// saying why it cannot draw pixels (a GAN has no p(x | z): its samples are draws already).
    func pixelDrawer(_ command: String) throws -> any PixelDrawingModel {
        if let drawing = model as? any PixelDrawingModel { return drawing }
        if model is GANModel {
            throw LatentError.invalidArgument("`\(command) --draw`: a GAN has no pixel likelihood p(x | z) to draw from; its samples G(z) already are draws")
        }
        return try capability("\(command) --draw", { $0 as? any PixelDrawingModel }, { $0 is any PixelDrawingModel.Type })
    }

    /// Drawn rows clipped to the data's pixel range (P-PCA's Gaussian draws can leave it).
    func clippedToData(_ rows: Tensor) -> Tensor {
        let (low, high) = config.data.scale.bounds
        return rows.clamped(min: low, max: high)
    }
}
