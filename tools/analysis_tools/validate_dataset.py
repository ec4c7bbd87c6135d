"""Check a label table + image folder before training; report every bad item.

Builds the dataset with ``on_bad_sample='skip'`` (so every bad row is listed,
not only the first), then, with ``--decode``, decodes every remaining image to
find damage inside files that the construction-time check cannot see.
Exits 1 if anything is bad.

Example:
    python tools/analysis_tools/validate_dataset.py data/rsna/train.csv \
        data/rsna/train --decode
"""
import argparse
import sys

from mmengine.utils import ProgressBar

from baa_mm.datasets import LabelFileError, decode_radiograph
from baa_mm.registry import DATASETS
from baa_mm.utils import register_all_modules


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ann_file', help='label table (.csv / .xlsx)')
    parser.add_argument('img_dir', help='image folder')
    parser.add_argument('--type', default='RSNABoneAgeDataset',
                        help='dataset type (e.g. WholeBodyCTDataset)')
    parser.add_argument('--img-suffix', default='.png')
    parser.add_argument('--with-sex', default='true',
                        choices=['true', 'false', 'auto'])
    parser.add_argument('--age-unit', choices=['months', 'years'])
    parser.add_argument('--max-age', type=float)
    parser.add_argument('--decode', action='store_true',
                        help='also decode every image')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules()
    cfg = dict(type=args.type, ann_file=args.ann_file,
               data_prefix=dict(img_path=args.img_dir),
               img_suffix=args.img_suffix, on_bad_sample='skip',
               with_sex=dict(true=True, false=False,
                             auto='auto')[args.with_sex])
    if args.age_unit:
        cfg['age_unit'] = args.age_unit
    if args.max_age is not None:
        cfg['max_age'] = args.max_age
    try:
        dataset = DATASETS.build(cfg)
    except (LabelFileError, FileNotFoundError, ValueError) as e:
        print(f'ERROR {e}')
        return 1
    bad = list(dataset.skipped)
    if args.decode:
        bar = ProgressBar(len(dataset))
        for i in range(len(dataset)):
            path = dataset.get_data_info(i)['img_path']
            try:
                with open(path, 'rb') as f:
                    decode_radiograph(f.read(), path)
            except Exception as e:  # report, never stop at the first
                bad.append(f'{path}: {e}')
            bar.update()
        print()
    n_rows = len(dataset) + len(dataset.skipped)
    for msg in bad:
        print(f'BAD {msg}')
    print(f'{n_rows} rows, {len(bad)} bad, '
          f'{n_rows - len(bad)} ok ({args.ann_file})')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
