"""Random decision problems for comparing chiso's MCDA methods with pymcdm's."""
from __future__ import annotations

import numpy as np


def random_weights_and_types(rng: np.random.Generator, criteria: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights in [0.1, 1] normalised to sum 1, and a random benefit (+1) or cost (−1) per criterion."""
    w = rng.uniform(0.1, 1, size=criteria)
    w /= w.sum()
    return w, rng.choice([1, -1], size=criteria)
