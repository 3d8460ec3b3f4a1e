"""Contrastive Playground's losses, kernels, metrics and training loop in PyTorch.

Written from the same specification as the TypeScript core (docs/spec/), with the same function
names and parameters as the reference vectors' `fn` ids, so a run leaves the browser unchanged.
"""
