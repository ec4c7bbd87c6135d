"""baa_mm.apis.hand_segmenter: the chosen hand of a file (mmdet's inference
patched with known predictions), and loading a segmenter."""
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from baa_mm.apis import HandMask, init_hand_segmenter, segment_hand


def _patch(monkeypatch, masks, scores):
    def fake_inference(model, path):
        sample = DetDataSample()
        sample.pred_instances = InstanceData(
            masks=torch.from_numpy(np.stack(masks)) if masks else
            torch.zeros(0, 8, 10, dtype=torch.bool),
            bboxes=torch.zeros(len(scores), 4),
            scores=torch.tensor(scores, dtype=torch.float32))
        return sample

    import mmdet.apis
    monkeypatch.setattr(mmdet.apis, 'inference_detector', fake_inference)


def _box(y1, y2, x1, x2):
    m = np.zeros((8, 10), bool)
    m[y1:y2, x1:x2] = True
    return m


def test_segment_hand_chooses_and_explains(monkeypatch):
    small, large = _box(0, 2, 0, 2), _box(2, 8, 2, 10)
    _patch(monkeypatch, [small, large], [0.9, 0.6])
    hand = segment_hand(None, 'a.png', (8, 10), 'score', 0.5)
    assert isinstance(hand, HandMask) and hand.found and hand.reason == ''
    assert (hand.mask == small).all() and hand.score == pytest.approx(0.9)
    assert hand.num_hands == 2
    hand = segment_hand(None, 'a.png', (8, 10), 'largest', 0.5)
    assert (hand.mask == large).all() and hand.score == pytest.approx(0.6)
    # none above the threshold: an empty mask, the best score, the reason
    hand = segment_hand(None, 'a.png', (8, 10), 'score', 0.95)
    assert not hand.found and not hand.mask.any()
    assert hand.mask.shape == (8, 10) and hand.num_hands == 0
    assert hand.reason == 'no hand scored >= 0.95 (best 0.900)'
    _patch(monkeypatch, [], [])
    hand = segment_hand(None, 'b.png', (8, 10))
    assert hand.reason == 'no hand scored >= 0.3 (best 0.000)'


def test_segment_hand_names_a_file_whose_mask_does_not_fit(monkeypatch):
    _patch(monkeypatch, [_box(0, 2, 0, 2)], [0.9])
    with pytest.raises(ValueError, match=r'c\.png: mask \(8, 10\) vs image '
                       r'\(16, 20\)'):
        segment_hand(None, 'c.png', (16, 20))


def test_init_hand_segmenter_needs_the_checkpoint(tmp_path):
    from conftest import REPO
    smoke = f'{REPO}/configs/quick_schedules/' \
        'mask-rcnn_r18_fpn_1xb2-1e_phantom-64px.py'
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        init_hand_segmenter(smoke, str(tmp_path / 'missing.pth'))
