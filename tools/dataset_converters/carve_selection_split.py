"""Write the selection split the configs carve out of a training table.

Example::

    python tools/dataset_converters/carve_selection_split.py \
        data/rsna100/train.csv --holdout 0.1 --out select_ids.txt

The configs select models (``save_best``, ``ReduceOnPlateau``) on a holdout
of the training table chosen by a hash of each image id
(``id_subset=dict(holdout=0.1, part='holdout')``, see
:mod:`baa_mm.datasets.id_subset`), never on the split they report. This
tool lists that holdout's ids (one per line, after a header saying how it
was made) and prints the sizes of both parts, so the split can be audited,
shared or fed back as ``id_subset=dict(ids_file=..., mode='keep')``. The
hash is the same on every machine: the file only records it.
"""
import argparse
import sys

from baa_mm.datasets.id_subset import (DEFAULT_SALT, IdSubsetError,
                                       carve_holdout, write_id_list)
from baa_mm.datasets.label_file import LabelFileError, read_label_file


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='List the ids of the hash-carved selection split of a '
        'label table.')
    parser.add_argument('ann_file', help='label table (CSV or XLSX)')
    parser.add_argument(
        '--holdout', type=float, default=0.1,
        help='expected share of the selection split (default 0.1, as the '
        'configs)')
    parser.add_argument('--salt', default=DEFAULT_SALT,
                        help=f'hash salt (default {DEFAULT_SALT!r})')
    parser.add_argument('--out', required=True, help='id list to write')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        rows = read_label_file(args.ann_file, require_sex=False)
        ids = [r.img_id for r in rows if r.img_id]
        rest, holdout = carve_holdout(ids, args.holdout, args.salt)
    except (LabelFileError, IdSubsetError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    write_id_list(
        args.out, holdout,
        header=(f'selection split of {args.ann_file}: ids with '
                f"sha1('{args.salt}:<id>') < {args.holdout} "
                f'(id_subset=dict(holdout={args.holdout}, '
                f"salt='{args.salt}'))\n{len(holdout)} of {len(ids)} ids"))
    print(f'{args.ann_file}: {len(ids)} ids -> {len(rest)} train, '
          f'{len(holdout)} selection ({len(holdout) / max(len(ids), 1):.1%})'
          f'; wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
