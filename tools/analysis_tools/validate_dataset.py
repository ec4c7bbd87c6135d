"""Check a label table + image folder before training; report every bad item.

Builds the dataset with ``on_bad_sample='skip'`` (so every bad row is listed,
not only the first), then, with ``--decode``, decodes every remaining image to
find damage inside files that the construction-time check cannot see.
Exits 1 if anything is bad.

Several image folders are searched together (each id must match one
file), ``--img-suffix`` takes several extensions or ``auto``, and
``--img-search recursive`` finds images anywhere below the folders, as the
dataset options of the same names do.

Examples:
    python tools/analysis_tools/validate_dataset.py data/rsna/train.csv \
        data/rsna/train --decode
    # the RSNA validation set as released: two zips, unpacked one level deeper
    python tools/analysis_tools/validate_dataset.py \
        "data/rsna/Bone Age Validation Set/Validation Dataset.csv" \
        "data/rsna/Bone Age Validation Set/boneage-validation-dataset-1" \
        "data/rsna/Bone Age Validation Set/boneage-validation-dataset-2" \
        --img-search recursive --img-suffix auto
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
    parser.add_argument('img_dir', nargs='+',
                        help='image folder(s), searched together')
    parser.add_argument('--type', default='RSNABoneAgeDataset',
                        help='dataset type (e.g. WholeBodyCTDataset)')
    parser.add_argument('--img-suffix', nargs='+', default=['.png'],
                        help="extension(s) appended to ids, or 'auto'")
    parser.add_argument('--img-search', default='flat',
                        choices=['flat', 'recursive'],
                        help='images directly in the folders or anywhere '
                        'below them')
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
    # a lone suffix as a string: 'auto' is only understood as one
    suffix = args.img_suffix[0] if len(args.img_suffix) == 1 else \
        args.img_suffix
    cfg = dict(type=args.type, ann_file=args.ann_file,
               data_prefix=dict(img_path=args.img_dir), img_suffix=suffix,
               img_search=args.img_search, on_bad_sample='skip',
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
