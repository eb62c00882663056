"""Grid and random search, log-uniform sampling, K-fold splits (dlnotes.tuning)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import tuning


def score(lr, wd=0.0):
    return -(math.log10(lr) + 2) ** 2 - wd


def test_grid_search_tries_every_combination_in_order():
    trials = tuning.grid_search(score, {"lr": [1e-3, 1e-2, 1e-1], "wd": [0.0, 1.0]})
    assert len(trials) == 6
    assert trials[0].params == {"lr": 1e-3, "wd": 0.0} and trials[1].params == {"lr": 1e-3, "wd": 1.0}
    assert tuning.best(trials).params == {"lr": 1e-2, "wd": 0.0}
    assert tuning.best(trials, mode="min").score == pytest.approx(-2.0)


def test_random_search_is_seeded_and_log_uniform():
    space = {"lr": tuning.LogUniform(1e-4, 1.0), "wd": tuning.Choice((0.0, 1.0)), "fixed": 3}
    a = tuning.random_search(lambda **p: score(p["lr"], p["wd"]), space, 20, rng=0)
    b = tuning.random_search(lambda **p: score(p["lr"], p["wd"]), space, 20, rng=0)
    assert [t.params for t in a] == [t.params for t in b]
    assert all(t.params["fixed"] == 3 for t in a)
    logs = np.log10([tuning.LogUniform(1e-4, 1.0).sample(np.random.default_rng(i)) for i in range(4000)])
    assert np.histogram(logs, bins=4, range=(-4, 0))[0].min() > 900  # each decade ~ 1000
    assert 0 <= tuning.Uniform(0, 1).sample(np.random.default_rng(0)) <= 1


def test_log_grid():
    np.testing.assert_allclose(tuning.log_grid(1e-3, 1e-1, 3), [1e-3, 1e-2, 1e-1])


@given(st.integers(2, 60), st.integers(2, 7))
def test_kfold_partitions_the_examples(n, k):
    if n < k:
        with pytest.raises(ValueError):
            tuning.kfold_indices(n, k)
        return
    folds = tuning.kfold_indices(n, k, rng=1)
    assert len(folds) == k
    vals = np.concatenate([v for _, v in folds])
    np.testing.assert_array_equal(np.sort(vals), np.arange(n))  # each example validates once
    for tr, v in folds:
        assert len(tr) + len(v) == n and not set(tr) & set(v)
        assert len(v) in (n // k, n // k + 1)


def test_bad_input():
    with pytest.raises(ValueError, match="low"):
        tuning.LogUniform(0, 1)
    with pytest.raises(ValueError, match="low"):
        tuning.Uniform(1, 1)
    with pytest.raises(ValueError, match="non-empty"):
        tuning.grid_search(score, {"lr": []})
    with pytest.raises(TypeError, match="function"):
        tuning.grid_search(3, {"lr": [1]})
    with pytest.raises(ValueError, match="n_trials"):
        tuning.random_search(score, {}, 0)
    with pytest.raises(ValueError, match="no trials"):
        tuning.best([])
    with pytest.raises(ValueError, match="Choice"):
        tuning.Choice(())
