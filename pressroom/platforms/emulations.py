"""Every platform's sandbox emulation, found through the registry (each descriptor names its
module); the sandbox server mounts them."""

from __future__ import annotations

import importlib

from pressroom.platforms.registry import DESCRIPTORS
from pressroom.sandbox.emulation import Emulation


def emulations() -> list[Emulation]:
    found: list[Emulation] = []
    for descriptor in DESCRIPTORS.values():
        if descriptor.emulation:
            module = importlib.import_module(descriptor.emulation)
            found.append(module.EMULATION)
    return found
