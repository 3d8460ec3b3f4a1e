"""The losses, one module per family (spec A: supcon, fairkl, yaware, kernelized; spec B: the rest)."""
