"""Predict the bone age of your own radiographs.

Examples:
    python tools/infer.py CONFIG CKPT hand1.png hand2.dcm --sex F M
    python tools/infer.py CONFIG CKPT images/*.png --sex M --show-dir vis
"""
import argparse
import os
import os.path as osp

import cv2

from baa_mm.apis import inference_bone_age, init_estimator
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.registry import VISUALIZERS


def main():
    parser = argparse.ArgumentParser(description='Bone-age inference')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', nargs='+', help='image files')
    parser.add_argument('--sex', nargs='+',
                        help='M/F (or 1/0): one for all images or one each')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--show-dir',
                        help='draw each prediction (parts, masks, maps) here')
    args = parser.parse_args()
    if args.sex and len(args.sex) not in (1, len(args.images)):
        parser.error(f'--sex needs 1 or {len(args.images)} values')
    sex = None
    if args.sex:
        sex = args.sex * len(args.images) if len(args.sex) == 1 \
            else args.sex
    model = init_estimator(args.config, args.checkpoint, args.device)
    samples = inference_bone_age(model, args.images, sex,
                                 with_maps=bool(args.show_dir))
    unit = 'months'
    visualizer = None
    if args.show_dir:
        os.makedirs(args.show_dir, exist_ok=True)
        visualizer = VISUALIZERS.build(
            dict(type='BoneAgeVisualizer', name='infer'))
    for path, sample in zip(args.images, samples):
        note = ''
        if sample.metainfo.get('fallback'):
            note = f' ({sample.metainfo["fallback"]}: whole image used)'
        elif 'pred_hand' in sample:
            note = (f' (hand score {float(sample.pred_hand.scores[0]):.2f}'
                    f', {int(sample.pred_hand.masks.sum())} mask pixels)')
        print(f'{path}: {float(sample.pred_age):.1f} {unit}{note}')
        if visualizer is not None:
            image = sample.hr_img if 'hr_img' in sample else None
            if image is None:  # draw over the network-input-sized image
                h, w = sample.metainfo['img_shape'][:2]
                with open(path, 'rb') as f:
                    image = cv2.resize(decode_radiograph(f.read(), path),
                                       (w, h), interpolation=cv2.INTER_AREA)
            name = osp.splitext(osp.basename(path))[0]
            visualizer.add_datasample(
                name, image, sample,
                out_file=osp.join(args.show_dir, f'{name}.png'))


if __name__ == '__main__':
    main()
