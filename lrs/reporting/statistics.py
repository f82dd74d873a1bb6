"""Attitude shift between the pre-course and post-course survey, per item and country.

The data of one item and country are the learners who answered it in both surveys with a
value on the scale ("prefer not to answer" is no value). Each pair's difference is
oriented so that a positive difference is a move toward the rights-based end of the item
(``direction: agree``: post - pre; ``disagree``: pre - post).

- **Test**: Wilcoxon signed-rank (SciPy), ``zero_method="zsplit"``. Likert differences
  are mostly zero or ties. ``"wilcox"`` would drop the learners whose answer did not
  change and measure the shift among changers only; ``"pratt"`` ranks them but then drops
  their ranks. ``"zsplit"`` keeps every pair in the ranking and splits the ranks of zero
  differences equally between the positive and negative sums, so "no change" counts as
  evidence of no shift, and the test and the effect size below are about the same
  learners. The p-value is the normal approximation with tie correction
  (``method="approx"``): with ties and zeros there is no exact null distribution, and
  SciPy's permutation alternative would cost seconds per item.
- **Effect size**: the matched-pairs rank-biserial correlation (Kerby 2014) on the same
  ranking, ``r = (R+ - R-) / (n (n + 1) / 2)``, from -1 (everyone moved away from the
  rights-based end) to +1 (everyone moved toward it); zero differences add to neither.
- **Confidence interval**: percentile bootstrap of ``r`` (pairs resampled with
  replacement, ``REPORTS_BOOTSTRAP`` times, seeded by item and country so the same data
  always give the same interval).
- **Multiplicity**: Holm's step-down correction over every item x country tested in one
  report (family-wise error 5 %).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import typing as t
import warnings

import numpy as np
from scipy import stats

ZERO_METHOD = "zsplit"
ALPHA = 0.05


@dataclasses.dataclass(frozen=True)
class Shift:
    """The paired comparison of one item in one country."""

    pairs: int
    mean_pre: float
    mean_post: float
    rank_biserial: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float


def _midranks(counts: np.ndarray) -> np.ndarray:
    """Midranks of |d| = 0..K given how many pairs have each |d| (one row per sample)."""
    upper = np.cumsum(counts, axis=-1)
    lower = upper - counts
    return t.cast("np.ndarray", (lower + upper + 1) / 2.0)


def rank_biserial_from_counts(diff_counts: np.ndarray, max_abs: int) -> np.ndarray:
    """Rank-biserial r (zsplit) from counts of differences -K..K (last axis of length 2K+1)."""
    negative = diff_counts[..., :max_abs][..., ::-1]  # |d| = 1..K
    positive = diff_counts[..., max_abs + 1:]
    zero = diff_counts[..., max_abs:max_abs + 1]
    absolute = np.concatenate([zero, negative + positive], axis=-1)
    ranks = _midranks(absolute)[..., 1:]
    n = diff_counts.sum(axis=-1)
    total = n * (n + 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        r = ((positive - negative) * ranks).sum(axis=-1) / total
    return t.cast("np.ndarray", np.nan_to_num(r))


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def shift(pairs: t.Mapping[tuple[int, int], int], scale: t.Sequence[int], direction: str, *,
          resamples: int, seed_parts: tuple[str, ...]) -> Shift:
    """Compare pre and post answers given as counts of (pre, post) value pairs.

    The result depends on its arguments only, so it is remembered: a report recomputes the
    items and countries whose answers changed since it was last drawn.
    """
    return _shift(tuple(sorted(pairs.items())), tuple(scale), direction, resamples, tuple(seed_parts))


@functools.lru_cache(maxsize=4096)
def _shift(pairs: tuple[tuple[tuple[int, int], int], ...], scale: tuple[int, ...], direction: str, resamples: int,
           seed_parts: tuple[str, ...]) -> Shift:
    sign = -1 if direction == "disagree" else 1
    pre = np.array([p for (p, q), n in pairs for _ in range(n)], dtype=float)
    post = np.array([q for (p, q), n in pairs for _ in range(n)], dtype=float)
    diffs = ((post - pre) * sign).astype(int)
    max_abs = max(scale) - min(scale)
    counts = np.bincount(diffs + max_abs, minlength=2 * max_abs + 1)
    r = float(rank_biserial_from_counts(counts, max_abs))
    rng = np.random.default_rng(_seed(*seed_parts))
    samples = rng.multinomial(len(diffs), counts / counts.sum(), size=resamples)
    boot = rank_biserial_from_counts(samples, max_abs)
    low, high = np.percentile(boot, [2.5, 97.5])
    if np.all(diffs == 0):
        statistic, p_value = 0.0, 1.0
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SciPy warns that ties force the normal approximation
            test = stats.wilcoxon(diffs, zero_method=ZERO_METHOD, alternative="two-sided", method="approx",
                                  correction=False)
        statistic, p_value = float(test.statistic), float(test.pvalue)
    return Shift(pairs=len(diffs), mean_pre=float(pre.mean()), mean_post=float(post.mean()), rank_biserial=r,
                 ci_low=float(low), ci_high=float(high), statistic=statistic, p_value=p_value)


def holm(p_values: t.Sequence[float]) -> list[float]:
    """Return Holm-adjusted p-values (monotone, capped at 1), in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    m = len(p_values)
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted
