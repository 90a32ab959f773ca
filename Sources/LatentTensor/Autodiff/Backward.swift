extension Tensor {
    /// Reverse-mode differentiation from this tensor. With no seed the tensor
    /// must hold one element (a loss) and the seed is 1. Gradients accumulate
    /// into leaves (see `Parameter.grad`, `Tensor.gradient`); the intermediate
    /// graph is released afterwards, as PyTorch does without `retain_graph`.
    ///
    /// ```swift
    /// let w = Tensor([1, 2, 3]).requiringGradient()
    /// let loss = (w * w).sum()
    /// loss.backward()
    /// w.gradient!   // [2, 4, 6]
    /// ```
    public func backward(seed: Tensor? = nil) {
        guard let root = node else { return }
        let seedGrad: Tensor
        if let seed {
            precondition(seed.shape == shape, "backward: seed shape \(seed.shape) differs from \(shape)")
            seedGrad = seed
        } else {
            precondition(count == 1, "backward() without a seed needs a one-element tensor, got shape \(shape)")
            seedGrad = Tensor(shape: shape, repeating: 1)
        }
        let order = topologicalOrder(from: root)
        root.accumulate(seedGrad)
        for node in order.reversed() {
            guard let pullback = node.pullback, let g = node.grad else { continue }
            let inputGrads = pullback(g)
            for (input, ig) in zip(node.inputs, inputGrads) {
                if let input, let ig { input.accumulate(ig) }
            }
            node.grad = nil
            node.pullback = nil
        }
    }
}

/// Nodes reachable from `root`, each after all of its inputs (iterative DFS,
/// so deep graphs such as long training loops cannot overflow the stack).
func topologicalOrder(from root: GraphNode) -> [GraphNode] {
    var order: [GraphNode] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(GraphNode, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
        if next < node.inputs.count {
            stack.append((node, next + 1))
            if let child = node.inputs[next], child.pullback != nil || child.isLeaf,
               visited.insert(ObjectIdentifier(child)).inserted {
                stack.append((child, 0))
            }
        } else {
            order.append(node)
        }
    }
    return order
}
