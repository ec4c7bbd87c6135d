"""Label-distribution helpers: soft age labels and expected ages."""
import math

import pytest
import torch

from baa_mm.models.utils import expected_ages, soft_age_labels
from baa_mm.models.utils.cam_ops import expected_ages as cam_expected_ages
from baa_mm.models.utils.cam_ops import soft_age_labels as cam_soft_labels


def test_old_cam_ops_imports_still_work():
    assert cam_soft_labels is soft_age_labels
    assert cam_expected_ages is expected_ages


# ------------------------------------------------------------ soft labels
def test_triangular_soft_label_by_hand():
    y = soft_age_labels(torch.tensor([100.]), 240, 50.)
    assert y.shape == (1, 240) and y.dtype == torch.float32
    y = y[0]
    # unnormalised: 1 - |i - 100| / 50 on 51..149, summing to 50
    support = torch.nonzero(y > 0)[:, 0]
    assert support.tolist() == list(range(51, 150))
    assert y[50] == 0 and y[150] == 0  # |i - t| = delta is outside
    assert y.sum().item() == pytest.approx(1., abs=1e-6)
    assert y.argmax().item() == 100
    assert y[100].item() == pytest.approx(1 / 50, rel=1e-5)
    assert y[125].item() == pytest.approx(0.5 / 50, rel=1e-5)
    assert (y[100] / y[125]).item() == pytest.approx(2., rel=1e-5)
    assert y[75].item() == pytest.approx(y[125].item())  # symmetric


def test_soft_labels_rows_sum_to_one_and_peak_at_each_age():
    ages = torch.tensor([3., 57.3, 120., 200.6, 238.])
    y = soft_age_labels(ages, 240, 20.)
    torch.testing.assert_close(y.sum(1), torch.ones(5))
    assert y.argmax(1).tolist() == [3, 57, 120, 201, 238]
    for row, t in zip(y, ages.tolist()):
        i = torch.arange(240.)
        assert torch.equal(row > 0, (i - t).abs() < 20)


def test_edge_ages_are_cut_and_beyond_are_clipped():
    y = soft_age_labels(torch.tensor([0., 239., -12., 400.]), 240, 50.)
    # t = 0: 1 - i / 50 on 0..49, sum 25.5
    assert torch.nonzero(y[0])[:, 0].tolist() == list(range(50))
    assert y[0, 0].item() == pytest.approx(1 / 25.5, rel=1e-5)
    assert y[0, 25].item() == pytest.approx(0.5 / 25.5, rel=1e-5)
    # t = 239 mirrors it
    assert torch.nonzero(y[1])[:, 0].tolist() == list(range(190, 240))
    torch.testing.assert_close(y[1], y[0].flip(0))
    # ages outside 0..239 become the edge classes
    torch.testing.assert_close(y[2], y[0])
    torch.testing.assert_close(y[3], y[1])


def test_tiny_delta_gives_one_hot():
    y = soft_age_labels(torch.tensor([7.]), 12, 0.5)
    assert y[0].tolist() == [0.] * 7 + [1.] + [0.] * 4


def test_gaussian_kernel_by_hand():
    # delta 3 -> sigma 1; support |i - 10| < 3 -> 8..12
    y = soft_age_labels(torch.tensor([10.]), 20, 3., kernel='gaussian')[0]
    raw = [math.exp(-d * d / 2) for d in (-2, -1, 0, 1, 2)]
    expected = torch.zeros(20)
    expected[8:13] = torch.tensor(raw) / sum(raw)
    torch.testing.assert_close(y, expected)


@pytest.mark.parametrize('kw,match', [
    (dict(kernel='box'), "kernel must be 'triangular' or 'gaussian'"),
    (dict(delta=0.), 'delta must be positive'),
    (dict(delta=-3.), 'delta must be positive'),
])
def test_bad_kernel_or_delta(kw, match):
    with pytest.raises(ValueError, match=match):
        soft_age_labels(torch.tensor([10.]), **kw)


# ---------------------------------------------------------- expected ages
def test_expected_ages():
    logits = torch.zeros(3, 240)
    logits[0, 37] = 1e4  # one-hot: exactly class 37
    logits[1, 0] = 1e4
    # row 2 uniform: mean of 0..239
    ages = expected_ages(logits)
    assert ages.dtype == torch.float32 and ages.shape == (3, )
    torch.testing.assert_close(ages, torch.tensor([37., 0., 119.5]))
    # two equally likely classes 10 and 20 -> 15
    two = torch.full((1, 30), -1e4)
    two[0, [10, 20]] = 0.
    assert expected_ages(two).item() == pytest.approx(15.)


def test_a_support_narrower_than_a_class_gives_the_nearest_class():
    y = soft_age_labels(torch.tensor([7.5, 3.0]), num_classes=12,
                        delta=0.5)
    assert not torch.isnan(y).any()
    torch.testing.assert_close(y.sum(1), torch.ones(2))
    assert y[0, 7] == y[0, 8] == 0.5  # equally near
    assert y[1, 3] == 1.


def test_expected_ages_stay_float32_under_bf16_autocast():
    logits = torch.zeros(1, 240)
    logits[0, [130, 131]] = 1e4  # 130.5 is no bf16 number (bf16: 130)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        ages = expected_ages(logits.bfloat16())
    assert ages.dtype == torch.float32
    assert ages.item() == pytest.approx(130.5, abs=1e-3)
