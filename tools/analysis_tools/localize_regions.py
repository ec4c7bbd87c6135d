"""Box one region (H, R1, R2, ...) of every image of a dataset split with a
trained CAM localiser (attention-guided regions, phase I).

Example (phantoms; train the localiser first)::

    python tools/analysis_tools/localize_regions.py \
        configs/attention_roi/cam-r1_r18_1xb32-12e_phantom-hr-160px.py \
        work_dirs/cam-r1_r18_1xb32-12e_phantom-hr-160px/epoch_12.pth \
        --split train --out data/phantom_hr/annotations/train_regions.json

The split's images go through the localiser's *test* pipeline (no
augmentation); boxes are written in original-image pixels into a COCO-style
region file that can hold several regions (each run adds or replaces its
own). The run is resumable (images that already have the region are
skipped; the file is saved every few batches), shows a progress bar, and
lists every image it could not localise in the file (``failed``) and on
stdout; the exit code is 1 if any failed. ``--crops-dir`` also writes each
region cropped from the original image (``<dir>/<region>/<id>.png``).
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np
from mmengine.config import Config, DictAction

from baa_mm.apis import init_estimator, localize_dataset
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.registry import DATASETS
from baa_mm.utils import apply_data_root


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a CAMLocalizer config')
    parser.add_argument('checkpoint')
    parser.add_argument('--split', default='train',
                        choices=['train', 'val', 'test'])
    parser.add_argument('--out', required=True, help='region file (JSON)')
    parser.add_argument('--data-root', help='override the data root')
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--no-resume', action='store_true',
                        help='start over instead of skipping done images')
    parser.add_argument('--crops-dir', help='also save the crops here')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def _crop_saver(crops_dir: str):
    """``on_box`` callback writing the region cropped from the original
    image as an 8-bit PNG."""
    def save(info: dict, region: dict) -> None:
        path = info.get('ori_img_path', info['img_path'])
        with open(path, 'rb') as f:
            img = decode_radiograph(f.read(), path)
        x1, y1, x2, y2 = (int(round(v)) for v in region['box'])
        crop = img[max(0, y1):max(y1 + 1, y2), max(0, x1):max(x1 + 1, x2)]
        out = osp.join(crops_dir, region['name'], f"{info['img_id']}.png")
        os.makedirs(osp.dirname(out), exist_ok=True)
        cv2.imwrite(out, (np.clip(crop, 0, 1) * 255 + 0.5).astype(np.uint8))
    return save


def main(argv=None) -> dict:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    loader = f'{args.split}_dataloader'
    apply_data_root(cfg, args.data_root, [loader])
    dataset_cfg = cfg[loader].dataset
    # the localiser's own test pipeline, on this split's images
    dataset_cfg.pipeline = cfg.test_dataloader.dataset.pipeline
    dataset_cfg.test_mode = True
    model = init_estimator(cfg, args.checkpoint, args.device)
    dataset = DATASETS.build(dataset_cfg)
    counts = localize_dataset(
        model, dataset, args.out, batch_size=args.batch_size,
        resume=not args.no_resume,
        on_box=_crop_saver(args.crops_dir) if args.crops_dir else None)
    print(f'\n{model.region} boxes of {args.split}: {counts["localised"]} '
          f'new, {counts["skipped"]} already in {args.out}, '
          f'{counts["failed"]} failed')
    return counts


if __name__ == '__main__':
    sys.exit(1 if main()['failed'] else 0)
