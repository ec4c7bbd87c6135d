import pytest
import torch

from baa_mm.structures import BoneAgeDataSample


def test_setters_and_types():
    s = BoneAgeDataSample(metainfo=dict(img_id='1377'))
    s.set_gt_age(120.5).set_pred_age(torch.tensor([118.0])).set_sex(True)
    s.set_chrono_age(119)
    assert s.img_id == '1377'
    assert s.gt_age.dtype == torch.float32 and s.gt_age.shape == ()
    assert float(s.gt_age) == pytest.approx(120.5)
    assert float(s.pred_age) == pytest.approx(118.0)
    assert s.sex.dtype == torch.int64 and int(s.sex) == 1
    assert float(s.chrono_age) == 119.0


def test_sex_must_be_binary():
    with pytest.raises(ValueError, match='sex must be 0 .female. or 1'):
        BoneAgeDataSample().set_sex(2)
