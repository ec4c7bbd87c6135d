# Copyright (c) baa_mm contributors. All rights reserved.
"""Generate the synthetic hand-radiograph phantom dataset.

Example::

    python tools/dataset_converters/generate_phantom.py data/phantom \
        --num-train 800 --num-val 100 --num-test 100 --workers 2

Writes ``<root>/{train,val,test}/<id>.png``, ``<root>/{split}.csv`` (RSNA
training layout ``id,boneage,male``), COCO hand masks in
``<root>/annotations/{split}_hand_masks.json`` and ``<root>/meta.json``. An
up-to-date dataset is not regenerated unless ``--force`` is given.

The generator module is loaded by file path so that this script does not
import ``baa_mm.datasets`` (and with it torch / mmengine).
"""
import argparse
import importlib.util
import os.path as osp
import sys

_GENERATOR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'baa_mm',
    'datasets', 'phantom', 'generator.py')
_MODULE_NAME = 'baa_mm_phantom_generator'


def load_generator():
    """Load ``baa_mm/datasets/phantom/generator.py`` without its package."""
    if _MODULE_NAME in sys.modules:
        return sys.modules[_MODULE_NAME]
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, _GENERATOR)
    module = importlib.util.module_from_spec(spec)
    # Registered before execution: dataclasses and worker pickling look the
    # module up by name.
    sys.modules[_MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate synthetic hand radiographs (phantoms) for '
        'bone age assessment.')
    parser.add_argument('out_root', help='output root, e.g. data/phantom')
    parser.add_argument('--num-train', type=int, default=800)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--num-test', type=int, default=100)
    parser.add_argument('--img-size', type=int, default=256)
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
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    gen = load_generator()
    summary = gen.generate_phantom_dataset(
        args.out_root,
        num_train=args.num_train,
        num_val=args.num_val,
        num_test=args.num_test,
        img_size=args.img_size,
        seed=args.seed,
        num_workers=args.workers,
        age_distribution=args.age_distribution,
        force=args.force)
    if summary['skipped']:
        print(f"Phantom dataset in {args.out_root} is up to date "
              f"({summary['meta_file']}); use --force to regenerate.")
    else:
        for name, s in summary['splits'].items():
            print(f"{name:>5}: {s['num_images']:6d} images "
                  f"({s['img_size']}px, seed {s['seed']}, ids from "
                  f"{s['id_offset']}) in {s['seconds']:.1f}s -> "
                  f"{s['img_dir']}, {s['csv']}, {s['ann_file']}")
        print(f"done in {summary['seconds']:.1f}s; meta: "
              f"{summary['meta_file']}")
    return summary


if __name__ == '__main__':
    main()
