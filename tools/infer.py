"""Predict the bone age of your own radiographs: files, folders, globs, CSVs.

One row per input, always (``status`` ok / rejected / error, with the
reason), written to ``--out`` (CSV or JSON) and counted at the end; one bad
file never ends the run.

With ``--out`` the run is journalled: the rows of every finished batch go
to ``OUT.rank<r>.part.jsonl`` at once, and a run that was killed resumes
when started again with the same inputs and ``--out`` (rows already written
are skipped; see :mod:`baa_mm.apis.sharded_inference`). Over several
processes (``tools/dist_infer.sh``, or torchrun / slurm with
``--launcher``) each takes a shard of the inputs and rank 0 writes one
file in input order, the same as a single-process run.

Examples:
    python tools/infer.py CONFIG CKPT hand1.png hand2.dcm --sex F M
    python tools/infer.py CONFIG CKPT exports/ --out results.csv \\
        --show-dir vis --batch-size 16
    python tools/infer.py CONFIG CKPT list.csv --out results.json
    bash tools/dist_infer.sh CONFIG CKPT 8 archive/ --out results.csv
"""
import argparse
import os
import os.path as osp
import sys

from baa_mm.apis import (BoneAgeInferencer, ImageChecks, run_sharded,
                         summarize_rows)
from baa_mm.utils import close_process_group, init_launcher


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Bone-age inference')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        'inputs', nargs='+',
        help='image files, folders (searched recursively), glob patterns '
        'or CSVs listing images (columns path, optional sex, chrono_age)')
    parser.add_argument('--out', help='write the rows here (.csv or .json)')
    parser.add_argument(
        '--sex', nargs='+',
        help='M/F (or 1/0): one for all inputs or one per input image; '
        'overrides CSV columns and DICOM headers')
    parser.add_argument(
        '--chrono-age', nargs='+', type=float,
        help="chronological age in the model's unit: one for all or one "
        'per input image')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--device', help='cpu, cuda, ... (default: best)')
    parser.add_argument('--show-dir',
                        help='draw each prediction (parts, masks, maps) here')
    parser.add_argument('--with-maps', action='store_true',
                        help="also draw the model's maps in --show-dir")
    parser.add_argument('--grad-cam', action='store_true',
                        help='also draw a Grad-CAM map of the predicted age '
                        'in --show-dir')
    parser.add_argument('--min-size', type=int, default=ImageChecks.min_size,
                        help='reject images whose shortest side is smaller')
    parser.add_argument(
        '--no-hand', choices=['reject', 'whole image'], default='reject',
        help='segment-then-regress models finding no hand: refuse the image '
        '(default) or predict from the whole image (flagged)')
    parser.add_argument('--calibration', default='auto',
                        help="calibration file; 'auto': <checkpoint stem>"
                        "_calibration.npz when it exists; 'none': none")
    parser.add_argument('--no-progress', action='store_true')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'],
                        default='none',
                        help='several processes, each with a shard of the '
                        'inputs (needs --out)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.launcher != 'none' and not args.out:
        parser.error('--launcher needs --out (rank 0 writes every row)')
    suffix = osp.splitext(args.out or '')[1].lower()
    if args.out and suffix not in ('.csv', '.json'):
        parser.error(f'--out must end in .csv or .json, got {args.out}')
    return args


def _one_or_each(values):
    """A one-value list applies to every input; longer lists map 1:1."""
    return values[0] if values is not None and len(values) == 1 else values


def main(argv=None) -> int:
    args = parse_args(argv)
    rank, world_size = init_launcher(args.launcher)
    device = args.device
    if device is None and args.launcher != 'none':
        import torch
        if torch.cuda.is_available():
            device = f"cuda:{os.environ.get('LOCAL_RANK', 0)}"
    inferencer = BoneAgeInferencer(
        args.config, args.checkpoint, device,
        checks=ImageChecks(min_size=args.min_size),
        calibration=None if args.calibration == 'none' else
        args.calibration, no_hand=args.no_hand,
        show_progress=not args.no_progress and rank == 0)
    kwargs = dict(sex=_one_or_each(args.sex),
                  chrono_age=_one_or_each(args.chrono_age),
                  show_dir=args.show_dir, with_maps=args.with_maps,
                  grad_cam=args.grad_cam)
    try:
        if args.out:
            from mmengine.dist import barrier
            rows = run_sharded(inferencer, args.inputs, args.out,
                               args.batch_size, rank, world_size,
                               barrier if world_size > 1 else None, **kwargs)
        else:
            rows = inferencer(args.inputs, batch_size=args.batch_size,
                              **kwargs)
    except ValueError as e:  # the inputs or their sex / age values
        print(f'error: {e}', file=sys.stderr)
        return 2
    finally:
        close_process_group()
    if rows is None:  # not rank 0: rank 0 reports
        return 0
    for row in rows:
        if row['status'] == 'ok':
            text = f"{row['pred_age']:.1f} {row['unit']}"
            if row['lower'] is not None:
                text += f" (interval {row['lower']:.1f}-{row['upper']:.1f})"
            if row['ba_minus_ca'] is not None:
                text += f" (BA-CA {row['ba_minus_ca']:+.1f})"
            if row['flags']:
                text += f" [{row['flags']}]"
        else:
            text = f"{row['status']}: {row['reason']}"
        print(f"{row['path']}: {text}")
    if args.out:
        print(f'wrote {len(rows)} rows to {args.out}')
    counts = summarize_rows(rows)
    print('summary: ' + ', '.join(f'{k} {v}' for k, v in counts.items()))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
