"""Generate synthetic whole-body CT bone images (whole-body phantoms).

Example::

    python tools/dataset_converters/generate_wholebody_phantom.py \
        data/wholebody_phantom --num-train 600 --num-val 150 --num-test 150 \
        --workers 2

Writes ``<root>/{train,val,test}/<id>.png`` (16-bit), ``<root>/{split}.csv``
(``id,age,sex``, age in years), COCO boxes of the body and of the
age-informative structures in ``<root>/annotations/{split}_boxes.json`` and
``<root>/meta.json``; read them with ``WholeBodyCTDataset(ann_file=
'train.csv', data_root=root, data_prefix=dict(img_path='train'),
box_ann_file='annotations/train_boxes.json')``. An up-to-date dataset is not
regenerated unless ``--force`` is given. Larger images, e.g. ``--img-size
300x1000``. What the phantoms model: ``docs/wholebody_phantom.md``.
"""
import argparse

from baa_mm.datasets.wholebody_phantom import generate_wholebody_phantom


def _img_size(text: str):
    """``'128x384'`` -> (128, 384) (width x height); ``'256'`` -> 256."""
    parts = text.lower().split('x')
    try:
        values = [int(p) for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2):
        raise argparse.ArgumentTypeError(
            f'expected WIDTHxHEIGHT or SIZE, got {text!r}')
    return values[0] if len(values) == 1 else tuple(values)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate synthetic whole-body CT bone images '
        '(age in years) with boxes of the age-informative structures.')
    parser.add_argument('out_root',
                        help='output root, e.g. data/wholebody_phantom')
    parser.add_argument('--num-train', type=int, default=600)
    parser.add_argument('--num-val', type=int, default=150)
    parser.add_argument('--num-test', type=int, default=150)
    parser.add_argument('--img-size', type=_img_size, default=(128, 384),
                        help='WIDTHxHEIGHT (default 128x384)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--workers', type=int, default=0,
        help='worker processes (0: in-process, -1: all cores); the output '
        'does not depend on it')
    parser.add_argument('--female-ratio', type=float, default=0.83,
                        help='fraction of females (default 0.83, as the '
                        'paper)')
    parser.add_argument(
        '--age-distribution', choices=['paper', 'uniform'], default='paper',
        help="paper: mostly 40-60 years, range 0.7-87; uniform: 0-90")
    parser.add_argument('--p-crop', type=float, default=None,
                        help='probability that the head or the feet are '
                        'cut off (default 0.2)')
    parser.add_argument('--force', action='store_true',
                        help='regenerate even if up to date')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    summary = generate_wholebody_phantom(
        args.out_root, num_train=args.num_train, num_val=args.num_val,
        num_test=args.num_test, img_size=args.img_size, seed=args.seed,
        num_workers=args.workers, sex_ratio=args.female_ratio,
        age_distribution=args.age_distribution, p_crop=args.p_crop,
        force=args.force)
    if summary['skipped']:
        print(f"Whole-body phantoms in {args.out_root} are up to date "
              f"({summary['meta_file']}); use --force to regenerate.")
        return summary
    for name, s in summary['splits'].items():
        w, h = s['img_size']
        print(f"{name:>5}: {s['num_images']:6d} images ({w}x{h}px, seed "
              f"{s['seed']}, ids from {s['id_offset']}) in "
              f"{s['seconds']:.1f}s -> {s['img_dir']}, {s['csv']}, "
              f"{s['ann_file']}")
    print(f"done in {summary['seconds']:.1f}s; meta: {summary['meta_file']}")
    return summary


if __name__ == '__main__':
    main()
