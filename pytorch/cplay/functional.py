"""Every loss, term, metric and kernel of the spec by its vectors' `fn` id.

    cplay.functional.<fn_id>(**inputs, **params) -> torch.Tensor
    cplay.functional.FUNCTIONS[fn_id]
    cplay.functional.call(fn_id, inputs, params)

Keyword names are exactly the vector files' input and parameter names (test/vectors/README.md).
Differentiable inputs are tensors; constant ones (labels, bias_labels, metadata of a loss, prior,
is_target) may be tensors or plain lists. Parameters a function does not use are accepted and
ignored (spec A §0). The result is a differentiable scalar, or the [n, n] matrix of a kernel.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping

import torch

from .kernels import kernel_cauchy, kernel_cosine, kernel_gaussian_pdf, kernel_gaussian_tau, kernel_rbf
from .losses.align_uniform import align, align_uniform, uniform
from .losses.dcl import dcl, dcl_one_way, dclw
from .losses.decoupled import decoupled_uniformity, du_align
from .losses.fairkl import fairkl
from .losses.kernelized import kernelized_supcon
from .losses.sepclr import kjem, sepclr, sepclr_align, sepclr_components, sepclr_sup_align, sepclr_uniform
from .losses.supcon import eps_supcon, eps_supinfonce, nt_xent, supcon
from .losses.yaware import y_aware_infonce

FUNCTIONS: Dict[str, Callable[..., torch.Tensor]] = {
    "nt_xent": nt_xent,
    "supcon": supcon,
    "eps_supinfonce": eps_supinfonce,
    "eps_supcon": eps_supcon,
    "fairkl": fairkl,
    "y_aware_infonce": y_aware_infonce,
    "kernelized_supcon": kernelized_supcon,
    "align": align,
    "uniform": uniform,
    "align_uniform": align_uniform,
    "decoupled_uniformity": decoupled_uniformity,
    "du_align": du_align,
    "dcl": dcl,
    "dcl_one_way": dcl_one_way,
    "dclw": dclw,
    "sepclr": sepclr,
    "sepclr_align": sepclr_align,
    "sepclr_uniform": sepclr_uniform,
    "sepclr_sup_align": sepclr_sup_align,
    "kjem": kjem,
    "kernel_rbf": kernel_rbf,
    "kernel_cosine": kernel_cosine,
    "kernel_gaussian_pdf": kernel_gaussian_pdf,
    "kernel_cauchy": kernel_cauchy,
    "kernel_gaussian_tau": kernel_gaussian_tau,
}

# Inputs that are data, not variables: never differentiated (spec A §0, spec B §0).
CONSTANT_INPUTS = {"labels", "bias_labels", "prior", "is_target"}


def constant_inputs(fn: str) -> set:
    """The constant input names of `fn` (`metadata` is the differentiable input of a kernel only)."""
    return CONSTANT_INPUTS | (set() if fn.startswith("kernel_") else {"metadata"})


def call(fn: str, inputs: Mapping[str, Any], params: Mapping[str, Any]) -> torch.Tensor:
    """FUNCTIONS[fn](**inputs, **params), with clear errors for an unknown fn or a clash of names."""
    if fn not in FUNCTIONS:
        raise KeyError(f"unknown fn {fn!r}; known: {', '.join(sorted(FUNCTIONS))}")
    clash = set(inputs) & set(params)
    if clash:
        raise ValueError(f"{fn}: {sorted(clash)} given both as input and as parameter")
    return FUNCTIONS[fn](**inputs, **params)


__all__ = ["FUNCTIONS", "call", "constant_inputs", "sepclr_components", *FUNCTIONS]
