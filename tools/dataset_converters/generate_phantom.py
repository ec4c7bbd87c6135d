"""Generate the synthetic hand-radiograph phantom dataset.

Example::

    python tools/dataset_converters/generate_phantom.py data/phantom \
        --num-train 800 --num-val 100 --num-test 100 --workers 2

Writes ``<root>/{train,val,test}/<id>.png``, ``<root>/{split}.csv`` (RSNA
training layout ``id,boneage,male``), COCO hand masks in
``<root>/annotations/{split}_hand_masks.json`` and ``<root>/meta.json``. An
up-to-date dataset is not regenerated unless ``--force`` is given.

``--style v2`` adds distractors (collimation, second hand, frame, ruler,
lead markers, text tags) with per-image probabilities ``--p-<name>``, and
``--max-rotation 180`` (or ``--full-rotation``) arbitrary rotation, e.g.::

    python tools/dataset_converters/generate_phantom.py data/phantom_v2 \
        --style v2 --img-size 512 --p-second-hand 0.5 --full-rotation

``--img-size`` takes a side length or ``WIDTHxHEIGHT`` (e.g. ``320x256``).
What the phantoms model and the files written: ``docs/phantom.md``.
"""
import argparse

from baa_mm.datasets.phantom import generate_phantom_dataset

#: v2 options exposed as ``--<key with dashes>`` (see DEFAULT_V2_OPTIONS).
_V2_FLAGS = {
    'p_collimation': 'probability of a collimation field (sharp edge, dark '
    'or bright outside)',
    'p_second_hand': 'probability of a second (mirrored) hand',
    'p_frame': 'probability of a bright frame along the borders',
    'p_ruler': 'probability of a graduated ruler along an edge',
    'p_marker': 'probability of a lead L/R marker',
    'p_tag': 'probability of burned-in text tags (1-2)',
    'second_hand_same_age': 'probability that the second hand has the '
    "primary's age (else another age, >= 36 months apart)",
    'max_rotation': 'rotation range in degrees (20: as v1, 180: arbitrary)',
}


def _img_size(text: str):
    """``'256'`` -> 256, ``'320x256'`` -> (320, 256) (width, height)."""
    parts = text.lower().split('x')
    try:
        values = [int(p) for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2):
        raise argparse.ArgumentTypeError(
            f'expected SIZE or WIDTHxHEIGHT, got {text!r}')
    return values[0] if len(values) == 1 else tuple(values)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate synthetic hand radiographs (phantoms) for '
        'bone age assessment.')
    parser.add_argument('out_root', help='output root, e.g. data/phantom')
    parser.add_argument('--num-train', type=int, default=800)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--num-test', type=int, default=100)
    parser.add_argument(
        '--img-size',
        type=_img_size,
        default=256,
        help='side length, or WIDTHxHEIGHT (the hand scales with the '
        'shorter side; up to 2048)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--workers',
        type=int,
        default=0,
        help='worker processes (0: in-process, -1: all cores); the output '
        'does not depend on it')
    parser.add_argument(
        '--age-distribution',
        choices=['uniform', 'rsna'],
        default='uniform',
        help='uniform over 6-216 months, or RSNA-like normal(127, 41)')
    parser.add_argument(
        '--force', action='store_true', help='regenerate even if up to date')
    parser.add_argument(
        '--style',
        choices=['v1', 'v2'],
        default='v1',
        help='v1: plain phantoms (default, unchanged); v2: with distractors '
        '(markers, tags, rulers, collimation, frames, second hand)')
    v2 = parser.add_argument_group('style v2 options (defaults in '
                                   'baa_mm.datasets.phantom.'
                                   'DEFAULT_V2_OPTIONS)')
    for key, help_text in _V2_FLAGS.items():
        v2.add_argument('--' + key.replace('_', '-'), type=float,
                        default=None, help=help_text)
    v2.add_argument(
        '--full-rotation',
        action='store_true',
        help='arbitrary rotation (same as --max-rotation 180)')
    args = parser.parse_args(argv)
    args.v2_options = {
        key: getattr(args, key)
        for key in _V2_FLAGS if getattr(args, key) is not None
    }
    if args.full_rotation:
        args.v2_options['max_rotation'] = 180.0
    if args.style != 'v2' and args.v2_options:
        parser.error('v2 options (--p-*, --second-hand-same-age, '
                     '--max-rotation, --full-rotation) need --style v2')
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    summary = generate_phantom_dataset(
        args.out_root,
        num_train=args.num_train,
        num_val=args.num_val,
        num_test=args.num_test,
        img_size=args.img_size,
        seed=args.seed,
        num_workers=args.workers,
        age_distribution=args.age_distribution,
        force=args.force,
        style=args.style,
        v2_options=args.v2_options or None)
    if summary['skipped']:
        print(f"Phantom dataset in {args.out_root} is up to date "
              f"({summary['meta_file']}); use --force to regenerate.")
    else:
        for name, s in summary['splits'].items():
            size = s['img_size']
            size = (f'{size[0]}x{size[1]}' if isinstance(size, (tuple, list))
                    else str(size))
            print(f"{name:>5}: {s['num_images']:6d} images "
                  f"({size}px, style {s['style']}, seed {s['seed']}, ids from "
                  f"{s['id_offset']}) in {s['seconds']:.1f}s -> "
                  f"{s['img_dir']}, {s['csv']}, {s['ann_file']}")
        print(f"done in {summary['seconds']:.1f}s; meta: "
              f"{summary['meta_file']}")
    return summary


if __name__ == '__main__':
    main()
