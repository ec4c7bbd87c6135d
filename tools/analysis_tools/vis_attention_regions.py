"""Pictures of the attention-guided regions (Chen et al., Fig. 3).

For each image: the radiograph with the H, R1 and R2 boxes, then each
localiser's class activation map with its box (R2's over the R1-erased
image, which is what its classifier sees). Example::

    python tools/analysis_tools/vis_attention_regions.py \
        --localizer configs/attention_roi/cam-h_r18_1xb32-12e_phantom-hr-96px.py work_dirs/agr/cam-h/epoch_12.pth \
        --localizer configs/attention_roi/cam-r1_r18_1xb32-12e_phantom-hr-160px.py work_dirs/agr/cam-r1/epoch_12.pth \
        --localizer configs/attention_roi/cam-r2_r18_1xb32-12e_phantom-hr-160px.py work_dirs/agr/cam-r2/epoch_12.pth \
        --images data/phantom_hr/test/200000.png --out-dir vis_regions

Localisers run in the order given, each seeing the boxes found before it
(R1 before R2). Images are files (PNG, JPEG, DICOM, ...).
"""
import argparse
import os
import os.path as osp

import mmcv
import numpy as np
import torch
from mmengine.structures import InstanceData

from baa_mm.apis import inference_bone_age, init_estimator, region_of
from baa_mm.registry import VISUALIZERS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--localizer', nargs=2, action='append',
                        metavar=('CONFIG', 'CHECKPOINT'), required=True)
    parser.add_argument('--images', nargs='+', required=True)
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def draw(visualizer, localizers, path: str) -> np.ndarray:
    """(H, W * P, 3) RGB picture of one image."""
    found, panels, first = {}, [], None
    for model in localizers:
        sample = inference_bone_age(model, path, with_maps=True,
                                    regions=dict(found))
        region = region_of(sample)
        found[region['name']] = region['box']
        image = sample.hr_img
        if first is None:
            first = image
        # this localiser's input (erased for R2) with its box, and its map
        drawn = visualizer.draw_sample(image, sample, draw_gt=False)
        w = drawn.shape[1] // 2
        panels += [drawn[:, :w], drawn[:, w:]] if region['name'] == 'R2' \
            else [drawn[:, w:]]
    summary = type(sample)(metainfo=dict(img_shape=tuple(first.shape[-2:])))
    summary.pred_parts = InstanceData(
        bboxes=torch.tensor([found[n] for n in found]),
        names=list(found))
    panels.insert(0, visualizer.draw_sample(first, summary, draw_gt=False))
    return np.concatenate(panels, axis=1)


def main(argv=None) -> list:
    args = parse_args(argv)
    localizers = [init_estimator(c, k, args.device) for c, k in args.localizer]
    visualizer = VISUALIZERS.build(
        dict(type='BoneAgeVisualizer', name='attention_regions'))
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    for path in args.images:
        out = osp.join(args.out_dir,
                       osp.splitext(osp.basename(path))[0] + '.png')
        mmcv.imwrite(draw(visualizer, localizers, path)[..., ::-1], out)
        written.append(out)
        print(out)
    return written


if __name__ == '__main__':
    main()
