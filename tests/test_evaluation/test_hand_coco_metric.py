"""HandCocoMetric scores only the images it was given."""
import json

import numpy as np
import pytest
import torch

from baa_mm.evaluation.metrics import HandCocoMetric


def _coco(tmp_path, n):
    images = [dict(id=i, file_name=f'{i}.png', width=32, height=32)
              for i in range(1, n + 1)]
    anns = [dict(id=i, image_id=i, category_id=1, iscrowd=0,
                 bbox=[4, 4, 16, 16], area=256,
                 segmentation=[[4, 4, 20, 4, 20, 20, 4, 20]])
            for i in range(1, n + 1)]
    (tmp_path / 'ann.json').write_text(json.dumps(dict(
        images=images, annotations=anns,
        categories=[dict(id=1, name='hand')])))


def _sample(img_id):
    mask = np.zeros((1, 32, 32), bool)
    mask[0, 4:20, 4:20] = True
    return dict(img_id=img_id, ori_shape=(32, 32), pred_instances=dict(
        bboxes=torch.tensor([[4., 4., 20., 20.]]),
        scores=torch.tensor([0.9]), labels=torch.tensor([0]),
        masks=torch.from_numpy(mask)))


@pytest.mark.parametrize('evaluated', [[1, 2, 3, 4], [2, 3]])
def test_subset_of_the_annotation_file_is_not_penalised(tmp_path, evaluated):
    _coco(tmp_path, 4)
    metric = HandCocoMetric(ann_file='ann.json', metric=['bbox', 'segm'])
    metric.dataset_meta = dict(classes=('hand', ), data_root=str(tmp_path))
    metric.process({}, [_sample(i) for i in evaluated])
    res = metric.compute_metrics(metric.results)
    # perfect predictions on the evaluated images: mAP 1, whichever subset
    assert res['bbox_mAP'] == pytest.approx(1.0)
    assert res['segm_mAP'] == pytest.approx(1.0)
