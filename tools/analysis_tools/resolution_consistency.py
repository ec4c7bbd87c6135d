"""Resolution consistency: one bone age whatever the source resolution.

A model should give a radiograph the same age whether it arrives as a
full-size original (1,500-3,000 px) or as a thumbnail of it. For every image
of ``--full-dir`` this finds the thumbnail with the same id (file stem) in
the ``--thumb-dir`` folder(s), predicts both with the config's test pipeline
through :func:`baa_mm.apis.inference_bone_age` and prints, in months, the
number of pairs and the median / mean / max of ``|pred(full) -
pred(thumbnail)|``; ``--out`` writes one row per image and setting.

``--interpolation`` overrides the interpolation of every resize of the test
pipeline (mmcv/mmdet ``Resize``, ``RandomResize``, ``StackRegions``); give
several values to compare them in one run (the model is loaded once), e.g.
mmcv's default ``bilinear`` (aliases when it shrinks a 2,000 px radiograph)
against ``area``. The interpolation of a ``SourceGrid`` step (which brings
a large image onto the grid of the training thumbnails first) is left as it
is; ``--drop-source-grid`` removes that step, to measure without it.

Example:
    python tools/analysis_tools/resolution_consistency.py \\
        configs/attention_roi/baseline_xception_1xb64-4e_rsna100-96px.py \\
        work_dirs/agr100/baseline-xception/epoch_4.pth \\
        --full-dir ../shared/data/rsna_fullsize/images \\
        --thumb-dir ../shared/data/rsna100/train ../shared/data/rsna100/val \\
        --labels ../shared/data/rsna_fullsize/labels.csv --skip-missing \\
        --interpolation bilinear area --out consistency.csv
"""
import argparse
import copy
import csv
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from baa_mm.apis import inference_bone_age, init_estimator
from baa_mm.datasets.label_file import LabelFileError, read_label_file

#: Image files looked at in the folders (other files are ignored).
IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.dcm')
#: Interpolations of mmcv's ``Resize`` (``StackRegions``: area / bilinear).
INTERPOLATIONS = ('area', 'bilinear', 'bicubic', 'nearest', 'lanczos')
#: The CSV columns (``--out``).
COLUMNS = ('id', 'interpolation', 'full_path', 'thumb_path', 'full_shape',
           'thumb_shape', 'sex', 'gt_age', 'pred_full', 'pred_thumb',
           'abs_diff')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--full-dir', required=True,
                        help='folder of the full-size radiographs')
    parser.add_argument('--thumb-dir', required=True, nargs='+',
                        action='extend',
                        help='folder(s) of the thumbnails (same file stems)')
    parser.add_argument('--skip-missing', action='store_true',
                        help='leave out (and list) full-size images without '
                        'a thumbnail instead of stopping with an error')
    parser.add_argument('--labels',
                        help='label table (CSV/XLSX, RSNA layouts) giving '
                        'the sex (needed by models with a sex input) and '
                        'the age of each id')
    parser.add_argument('--interpolation', nargs='+', choices=INTERPOLATIONS,
                        help='override the resize interpolation of the test '
                        'pipeline; several values: one run each '
                        '(default: the config as it is)')
    parser.add_argument('--drop-source-grid', action='store_true',
                        help='remove the SourceGrid steps of the test '
                        'pipeline (the full-size image then reaches the '
                        "model's own resize directly)")
    parser.add_argument('--out', help='write the per-image rows here (CSV)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def list_images(folder: str) -> Dict[str, str]:
    """``{stem: path}`` of the image files of a folder (not recursive).

    Raises:
        SystemExit: Missing or image-less folder, or two files of one stem.
    """
    if not osp.isdir(folder):
        raise SystemExit(f'error: image folder not found: {folder}')
    images: Dict[str, str] = {}
    for name in sorted(os.listdir(folder)):
        stem, ext = osp.splitext(name)
        if ext.lower() not in IMAGE_EXTS:
            continue
        if stem in images:
            raise SystemExit(f'error: two images of id {stem} in {folder}: '
                             f'{osp.basename(images[stem])}, {name}')
        images[stem] = osp.join(folder, name)
    if not images:
        raise SystemExit(f'error: no image files ({"/".join(IMAGE_EXTS)}) '
                         f'in {folder}')
    return images


def match_thumbnails(full: Dict[str, str],
                     thumb_dirs: Sequence[str],
                     skip_missing: bool = False
                     ) -> List[Tuple[str, str, str]]:
    """Pair every full-size image with its thumbnail by id.

    Args:
        full (dict): ``{id: path}`` of the full-size images.
        thumb_dirs (Sequence[str]): Thumbnail folders.
        skip_missing (bool): Leave out ids without a thumbnail (printed)
            instead of raising.

    Returns:
        list[tuple]: ``(id, full_path, thumb_path)`` sorted by id.

    Raises:
        SystemExit: An id without a thumbnail (all such ids are listed;
            unless ``skip_missing``), with one in several thumbnail
            folders, or no pair at all.
    """
    thumbs: Dict[str, str] = {}
    for folder in thumb_dirs:
        for stem, path in list_images(folder).items():
            if stem in thumbs and stem in full:
                raise SystemExit(f'error: id {stem} has two thumbnails: '
                                 f'{thumbs[stem]}, {path}')
            thumbs.setdefault(stem, path)
    missing = sorted(i for i in full if i not in thumbs)
    if missing:
        msg = (f'{len(missing)} full-size image(s) have no thumbnail in '
               f'{", ".join(thumb_dirs)}: ids {", ".join(missing)}')
        if not skip_missing:
            raise SystemExit(f'error: {msg} (--skip-missing leaves them '
                             'out)')
        print(f'skipped: {msg}')
    pairs = [(i, full[i], thumbs[i]) for i in sorted(full) if i in thumbs]
    if not pairs:
        raise SystemExit('error: no full-size image has a thumbnail')
    return pairs


def _transforms(obj) -> List[dict]:
    """Every transform config in a pipeline, nested ``transforms`` lists
    (``RandomChoice``, ``TestTimeAug``, ...) included."""
    found = []
    if isinstance(obj, dict):
        if 'type' in obj:
            found.append(obj)
        for value in obj.values():
            if isinstance(value, (list, tuple)):
                found += _transforms(value)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            found += _transforms(item)
    return found


def set_interpolation(pipeline: List[dict], interpolation: str) -> int:
    """Set the interpolation of every resize of a pipeline in place.

    Args:
        pipeline (list[dict]): Transform configs.
        interpolation (str): One of :data:`INTERPOLATIONS`.

    Returns:
        int: The number of transforms changed.
    """
    changed = 0
    for t in _transforms(pipeline):
        name = str(t['type']).split('.')[-1]
        if name == 'StackRegions' and interpolation not in ('area',
                                                            'bilinear'):
            raise SystemExit('error: StackRegions interpolates with area or '
                             f'bilinear only, not {interpolation}')
        if 'Resize' in name or 'Rescale' in name or name == 'StackRegions':
            t['interpolation'] = interpolation
            changed += 1
    return changed


def drop_source_grid(pipeline: List[dict]) -> List[dict]:
    """The top-level steps of ``pipeline`` without ``SourceGrid``.

    Raises:
        SystemExit: The pipeline has no ``SourceGrid`` step.
    """
    kept = [t for t in pipeline
            if str(t['type']).split('.')[-1] != 'SourceGrid']
    if len(kept) == len(pipeline):
        raise SystemExit('error: --drop-source-grid: the test pipeline has '
                         'no SourceGrid step')
    return kept


def read_labels(path: str, ids: Sequence[str]) -> Dict[str, tuple]:
    """``{id: (sex, age)}`` of ``ids`` from a label table.

    Raises:
        SystemExit: Unreadable table or ids it lacks (listed).
    """
    try:
        rows = read_label_file(path, require_sex=False, require_age=False)
    except (FileNotFoundError, LabelFileError) as e:
        raise SystemExit(f'error: {e}')
    table = {r.img_id: (r.sex, r.age) for r in rows}
    missing = [i for i in ids if i not in table]
    if missing:
        raise SystemExit(f'error: {path} has no row for id(s) '
                         f'{", ".join(missing)}')
    return {i: table[i] for i in ids}


def predict(model, paths: Sequence[str], sexes: Sequence,
            batch_size: int) -> List[Tuple[float, tuple]]:
    """``(pred_age, ori_shape)`` of every image, in batches."""
    out = []
    for s in range(0, len(paths), batch_size):
        samples = inference_bone_age(model, list(paths[s:s + batch_size]),
                                     list(sexes[s:s + batch_size]),
                                     with_maps=False)
        out += [(float(x.pred_age),
                 tuple(int(v) for v in x.metainfo['ori_shape'][:2]))
                for x in samples]
    return out


def summarize(diffs: Sequence[float]) -> Dict[str, float]:
    """n, median, mean and max of absolute differences."""
    d = np.abs(np.asarray(diffs, np.float64))
    return dict(n=int(d.size), median=float(np.median(d)),
                mean=float(d.mean()), max=float(d.max()))


def _shape(shape: tuple) -> str:
    return 'x'.join(str(v) for v in shape)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, dict]:
    args = parse_args(argv)
    for what, path in (('config', args.config),
                       ('checkpoint', args.checkpoint)):
        if not osp.isfile(path):
            raise SystemExit(f'error: {what} not found: {path}')
    pairs = match_thumbnails(list_images(args.full_dir), args.thumb_dir,
                             args.skip_missing)
    ids = [i for i, _, _ in pairs]
    labels = read_labels(args.labels, ids) if args.labels else \
        {i: (None, None) for i in ids}
    sexes = [labels[i][0] for i in ids]
    model = init_estimator(args.config, args.checkpoint, args.device)
    base_pipeline = copy.deepcopy(
        list(model.cfg.test_dataloader.dataset.pipeline))
    if args.drop_source_grid:
        base_pipeline = drop_source_grid(base_pipeline)
    results, rows = {}, []
    for mode in args.interpolation or ['config']:
        pipeline = copy.deepcopy(base_pipeline)
        if mode != 'config' and not set_interpolation(pipeline, mode):
            raise SystemExit(f'error: the test pipeline of {args.config} '
                             'has no resize whose interpolation to set')
        model.cfg.test_dataloader.dataset.pipeline = pipeline
        start = time.perf_counter()
        try:
            full = predict(model, [p for _, p, _ in pairs], sexes,
                           args.batch_size)
            thumb = predict(model, [p for _, _, p in pairs], sexes,
                            args.batch_size)
        except (ValueError, FileNotFoundError) as e:
            raise SystemExit(f'error: {e}')
        seconds = time.perf_counter() - start
        diffs = [abs(f[0] - t[0]) for f, t in zip(full, thumb)]
        stats = summarize(diffs)
        worst = ids[int(np.argmax(diffs))]
        print(f'interpolation={mode}: n={stats["n"]} '
              f'median={stats["median"]:.2f} mean={stats["mean"]:.2f} '
              f'max={stats["max"]:.2f} months |pred(full) - pred(thumb)| '
              f'(max at id {worst}; {seconds:.1f} s)')
        results[mode] = dict(stats, worst=worst, seconds=seconds)
        for (i, fp, tp), f, t, d in zip(pairs, full, thumb, diffs):
            sex, age = labels[i]
            rows.append(dict(
                id=i, interpolation=mode, full_path=fp, thumb_path=tp,
                full_shape=_shape(f[1]), thumb_shape=_shape(t[1]),
                sex='' if sex is None else sex,
                gt_age='' if age is None else age, pred_full=f'{f[0]:.4f}',
                pred_thumb=f'{t[0]:.4f}', abs_diff=f'{d:.4f}'))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        print(f'wrote {len(rows)} rows to {args.out}')
    return results


if __name__ == '__main__':
    main()
