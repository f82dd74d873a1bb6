"""The attitude statistics agree with SciPy and with the definitions they cite.

- Wilcoxon signed-rank, ``zero_method="zsplit"``, normal approximation (SciPy ``stats.wilcoxon``);
- matched-pairs rank-biserial correlation (Kerby 2014): (R+ - R-) / (n (n + 1) / 2) with zero
  differences' ranks split equally;
- Holm's step-down adjustment.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lrs.reporting.statistics import holm, shift

SCALE = (1, 2, 3, 4, 5)
PAIRS = {(2, 4): 6, (3, 3): 5, (3, 4): 4, (4, 3): 2, (1, 3): 3, (5, 5): 1, (4, 1): 1}


def _differences(pairs: dict[tuple[int, int], int]) -> np.ndarray:
    return np.array([post - pre for (pre, post), n in pairs.items() for _ in range(n)], dtype=float)


def test_shift_rank_biserial_is_kerbys_formula_with_split_zeros() -> None:
    """r = (R+ - R-) / total rank sum, ranks of |d| averaged over ties, zeros half to each side."""
    d = _differences(PAIRS)
    ranks = stats.rankdata(np.abs(d))
    zero = ranks[d == 0].sum() / 2
    plus, minus = ranks[d > 0].sum() + zero, ranks[d < 0].sum() + zero
    expected = (plus - minus) / (len(d) * (len(d) + 1) / 2)
    result = shift(PAIRS, SCALE, "agree", resamples=500, seed_parts=("t",))
    assert result.rank_biserial == pytest.approx(expected)
    assert result.pairs == len(d)
    assert result.mean_pre == pytest.approx(sum(p * n for (p, _), n in PAIRS.items()) / len(d))


def test_shift_p_value_is_scipys_wilcoxon_zsplit() -> None:
    """Same statistic and p-value as ``scipy.stats.wilcoxon`` with zsplit and the normal approximation."""
    d = _differences(PAIRS)
    reference = stats.wilcoxon(d, zero_method="zsplit", method="approx", correction=False)
    result = shift(PAIRS, SCALE, "agree", resamples=500, seed_parts=("t",))
    assert result.statistic == pytest.approx(float(reference.statistic))
    assert result.p_value == pytest.approx(float(reference.pvalue))


def test_shift_disagree_items_are_oriented_toward_the_rights_based_answer() -> None:
    """For a ``disagree`` item, moving down the scale is the positive direction."""
    agree = shift(PAIRS, SCALE, "agree", resamples=500, seed_parts=("t",))
    disagree = shift(PAIRS, SCALE, "disagree", resamples=500, seed_parts=("t",))
    assert disagree.rank_biserial == pytest.approx(-agree.rank_biserial)
    assert disagree.p_value == pytest.approx(agree.p_value)


def test_shift_bootstrap_interval_is_reproducible_and_brackets_r() -> None:
    """The percentile interval is seeded by item and country: the same data give the same interval."""
    one = shift(PAIRS, SCALE, "agree", resamples=2000, seed_parts=("item", "GH"))
    two = shift(dict(reversed(list(PAIRS.items()))), SCALE, "agree", resamples=2000, seed_parts=("item", "GH"))
    assert (one.ci_low, one.ci_high) == (two.ci_low, two.ci_high)
    assert -1 <= one.ci_low <= one.rank_biserial <= one.ci_high <= 1
    everyone_up = shift({(2, 4): 12}, SCALE, "agree", resamples=500, seed_parts=("x",))
    assert (everyone_up.rank_biserial, everyone_up.ci_low, everyone_up.ci_high) == (1.0, 1.0, 1.0)


def test_shift_no_change_at_all_is_p_one() -> None:
    """Every pair unchanged: no shift, p = 1, r = 0."""
    result = shift({(3, 3): 9}, SCALE, "agree", resamples=200, seed_parts=("z",))
    assert (result.rank_biserial, result.p_value) == (0.0, 1.0)


def test_holm_adjusts_step_down_and_stays_monotone() -> None:
    """Holm: sorted p_(i) times (m - i + 1), running maximum, capped at 1."""
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([0.9, 0.6]) == pytest.approx([1.0, 1.0])
