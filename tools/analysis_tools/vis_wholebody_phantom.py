"""Picture of whole-body phantoms across ages with their informative boxes.

Example (the picture in ``docs/wholebody_phantom.md``)::

    python tools/analysis_tools/vis_wholebody_phantom.py \
        docs/wholebody_phantom.jpg

One column per (age, sex), rendered from one seed (the same nuisance draws
for every column, arms along the body, no crop) at ``--img-size``; boxes
are coloured by category, with a legend and an ``age sex`` caption.
"""
import argparse
import os
import os.path as osp

import cv2
import numpy as np

from baa_mm.datasets.wholebody_phantom import (INFORMATIVE_CATEGORIES,
                                               render_wholebody_phantom)

#: BGR colour of each category's boxes.
COLORS = dict(body=(160, 160, 160), growth_plate=(0, 0, 255),
              iliac_crest=(0, 165, 255), pubic_symphysis=(255, 0, 255),
              femoral_neck=(0, 255, 255), vertebrae=(0, 200, 0),
              costal_cartilage=(255, 128, 0))
DEFAULT_PEOPLE = ('2F', '8M', '14F', '20M', '35F', '50M', '65F', '85F')


def panel(age: float, sex: str, seed: int, img_size) -> np.ndarray:
    """One phantom (8-bit BGR) with its boxes and a caption."""
    image, info = render_wholebody_phantom(
        age, sex, seed=seed, img_size=img_size, p_crop=0.0,
        arm_pose_probs=(1, 0, 0))
    out = cv2.cvtColor((image >> 8).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    for box in info['boxes']:
        x1, y1, x2, y2 = (int(round(v)) for v in box['bbox'])
        cv2.rectangle(out, (x1, y1), (x2 - 1, y2 - 1),
                      COLORS[box['category']], 1)
    cv2.putText(out, f'{age:g} {sex}', (4, 16), cv2.FONT_HERSHEY_SIMPLEX,
                0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def legend(height: int, width: int = 150) -> np.ndarray:
    """Colour legend of the box categories."""
    out = np.zeros((height, width, 3), np.uint8)
    for i, name in enumerate(INFORMATIVE_CATEGORIES):
        y = 20 + 20 * i
        cv2.rectangle(out, (6, y - 10), (18, y), COLORS[name], -1)
        cv2.putText(out, name, (24, y), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                    (255, 255, 255), 1, cv2.LINE_AA)
    return out


def make_picture(out_file: str, people=DEFAULT_PEOPLE, seed: int = 3,
                 img_size=(200, 600)) -> np.ndarray:
    """Render ``people`` (``'<age><F|M>'``) side by side into ``out_file``.

    Returns:
        np.ndarray: The picture, BGR uint8.
    """
    panels = [panel(float(p[:-1]), p[-1], seed, img_size) for p in people]
    picture = np.concatenate(panels + [legend(panels[0].shape[0])], axis=1)
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    if not cv2.imwrite(out_file, picture, [cv2.IMWRITE_JPEG_QUALITY, 90]):
        raise OSError(f'could not write {out_file}')
    return picture


def main(argv=None) -> np.ndarray:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_file', help='e.g. docs/wholebody_phantom.jpg')
    parser.add_argument('--people', nargs='+', default=list(DEFAULT_PEOPLE),
                        help="'<age><F|M>' per column, e.g. 8M 35F")
    parser.add_argument('--seed', type=int, default=3)
    parser.add_argument('--img-size', type=int, nargs=2, default=(200, 600),
                        metavar=('WIDTH', 'HEIGHT'))
    args = parser.parse_args(argv)
    picture = make_picture(args.out_file, args.people, args.seed,
                           tuple(args.img_size))
    print(f'wrote {args.out_file} ({picture.shape[1]}x{picture.shape[0]})')
    return picture


if __name__ == '__main__':
    main()
