"""Check an RSNA Pediatric Bone Age download; write what the configs need.

Example::

    python tools/dataset_converters/prepare_rsna.py data/rsna --check-only
    python tools/dataset_converters/prepare_rsna.py data/rsna \
        --hand-masks --cache 1024 --workers 2

``ROOT`` is the download as unpacked, in the RSNA release layout or the
Kaggle mirror's (``--layout auto`` tells them apart; the layouts are listed
in :mod:`baa_mm.datasets.rsna_layout`). Every split is read with
:class:`RSNABoneAgeDataset` exactly as the configs read it (all image
extensions accepted, so that stray files are seen) and checked:

- label rows the dataset rejects (age, sex, duplicate ids), ids without an
  image, ids with several image files (two folders or two extensions);
- images without a label row, files in the image folders that are not
  images, images whose extension is not ``--img-suffix`` (the configs read
  ``.png``);
- unreadable images: missing, empty, not an image, truncated PNG/JPEG (a
  header check of every file); ``--decode`` also decodes every image.

Every problem is listed and the exit status is 1 if there is any (2 when
ROOT is no RSNA download). For each label table the row count and the
SHA-256 are printed: the official test ground truth circulates in two
versions, and a test figure must say which one it used.

Only when the check passes, the tool writes (never with ``--check-only``):

- ``--hand-masks``: ``annotations/train_pseudo_hand_masks.json``, pseudo
  hand masks of the training images by
  ``tools/dataset_converters/pseudo_hand_masks.py`` (run as is; images it
  cannot mask are listed, the RAN config leaves them out with
  ``missing_hand='skip'``);
- ``--cache LONG_SIDE``: ``cache<LONG_SIDE>/<split>/``, the preprocessing
  cache of each split's images (:func:`baa_mm.datasets.build_cache`).

Outputs go under ``--out-dir`` (default ROOT). The dataset settings of each
split are printed at the end.
"""
import argparse
import hashlib
import json
import logging
import os
import os.path as osp
import subprocess
import sys
import tempfile
from typing import List, Optional

from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar

from baa_mm.datasets import (RSNA_LAYOUTS, RSNA_RELEASE_COUNTS, ImageIndex,
                             LabelFileError, RSNABoneAgeDataset, build_cache,
                             check_image_file, decode_radiograph,
                             detect_rsna_layout, read_label_file,
                             rsna_split_kwargs, split_label_file)
from baa_mm.datasets.image_lookup import parse_img_suffix

PSEUDO_TOOL = osp.join(osp.dirname(osp.abspath(__file__)),
                       'pseudo_hand_masks.py')
MASK_FILE = 'annotations/train_pseudo_hand_masks.json'


def sha256(path: str) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


class SplitCheck:
    """The result of checking one split: what was found and every
    problem (strings naming the file, line or id)."""

    def __init__(self, name: str):
        self.name = name
        self.label: Optional[str] = None
        self.folders: List[str] = []
        self.rows = 0
        self.has_ages = True
        self.images: List[str] = []  # the file of each good row
        self.ids: set = set()  # every id of the label table
        self.problems: List[str] = []

    def problem(self, msg: str) -> None:
        self.problems.append(msg)


def _rows_without_ages(check: SplitCheck, label: str,
                       index: ImageIndex) -> None:
    """Check a table without an age column (the Kaggle test list): ids,
    their images and the image headers."""
    seen = set()
    rows = read_label_file(label, require_sex=False, require_age=False)
    check.rows = len(rows)
    for row in rows:
        where = f'{label}, line {row.line}'
        if not row.img_id or row.img_id in seen:
            check.problem(f'{where}: empty or duplicate image id '
                          f'{row.img_id!r}')
            continue
        seen.add(row.img_id)
        reason = index.problem(row.img_id)
        path = None if reason else index.files[row.img_id][0]
        reason = reason or check_image_file(path)
        if reason:
            check.problem(f'{where}: {reason}')
        else:
            check.images.append(path)


def _rows_with_ages(check: SplitCheck, label: str, folders: List[str]):
    """Build the split's dataset (every row checked, bad ones listed)."""
    # its per-row warnings are listed here: do not log them twice
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        ds = RSNABoneAgeDataset(
            ann_file=label, data_prefix=dict(img_path=folders),
            img_suffix='auto', img_search='recursive', with_sex=True,
            check_files='header', on_bad_sample='skip',
            serialize_data=False)
    except (LabelFileError, ValueError, OSError) as e:
        check.problem(str(e))
        return
    finally:
        logger.setLevel(level)
    check.problems += ds.skipped
    check.images = [ds.get_data_info(i)['img_path'] for i in range(len(ds))]
    check.rows = len(ds) + len(ds.skipped)


def check_split(root: str, split, img_suffix: str,
                decode: bool = False, progress: bool = True) -> SplitCheck:
    """Check one split of the download under ``root`` (see the module
    docstring)."""
    check = SplitCheck(split.name)
    check.label = split_label_file(root, split)
    if check.label is None:
        check.problem('label file not found: '
                      + ' or '.join(osp.join(root, p) for p in split.labels))
    for folder in split.folders:
        path = osp.join(root, folder)
        if osp.isdir(path):
            check.folders.append(path)
        else:
            check.problem(f'image folder not found: {path}')
    if check.label is None or not check.folders:
        return check
    label = osp.join(root, check.label)
    index = ImageIndex(check.folders, 'auto', 'recursive')
    try:
        read_label_file(label, require_sex=False)
    except LabelFileError as e:
        try:  # a table without ages? (else it is unreadable: e says why)
            read_label_file(label, require_sex=False, require_age=False)
        except LabelFileError:
            check.problem(str(e))
            return check
        check.has_ages = False
    if check.has_ages:
        _rows_with_ages(check, label, check.folders)
    else:
        _rows_without_ages(check, label, index)
    check.ids = {r.img_id for r in read_label_file(
        label, require_sex=False, require_age=False)}
    for img_id, paths in sorted(index.files.items()):
        if img_id not in check.ids:
            check.problems += [f'image without a label row in {check.label}:'
                               f' {p}' for p in paths]
    check.problems += [f'not an image file: {p}' for p in index.other_files]
    if img_suffix != 'auto':
        wanted = tuple(s.lower() for s in parse_img_suffix(img_suffix))
        check.problems += [
            f'{p}: not {"|".join(wanted)}, which the configs read (convert '
            "it, or set img_suffix='auto')" for p in check.images
            if not p.lower().endswith(wanted)]
    if decode and check.images:
        bar = ProgressBar(len(check.images)) if progress else None
        for path in check.images:
            try:
                with open(path, 'rb') as f:
                    decode_radiograph(f.read(), path)
            except (ValueError, OSError) as e:
                check.problem(str(e))
            if bar:
                bar.update()
        if bar:
            print()
    return check


def _rel(path: str, root: str) -> str:
    rel = osp.relpath(path, root)
    return path if rel.startswith('..') else rel


def print_check(root: str, check: SplitCheck, full: Optional[int]) -> None:
    """Counts, the label file's rows and checksum, and the problems."""
    head = f'[{check.name}]'
    if check.label:
        digest = sha256(osp.join(root, check.label))
        ages = '' if check.has_ages else ' (no ages: cannot be evaluated)'
        print(f'{head} {check.label}: {check.rows} rows{ages}, sha256 '
              f'{digest if check.name == "test" else digest[:16]}')
        if check.name == 'test':
            print(f'{head} two versions of the official test ground truth '
                  'circulate: quote this file, its row count and sha256 '
                  'with every test figure')
    found = f'{len(check.images)} images in ' + ', '.join(
        _rel(f, root) for f in check.folders)
    if full:
        found += f' (the full release has {full})'
    print(f'{head} {found}; {len(check.problems)} problem(s)')
    for msg in check.problems:
        print(f'  {head} {msg}')


def write_hand_masks(root: str, out_dir: str, check: SplitCheck,
                     progress: bool) -> dict:
    """Pseudo hand masks of the training images (pseudo_hand_masks.py on
    each folder that holds some), merged into one COCO file."""
    out = osp.join(out_dir, MASK_FILE)
    os.makedirs(osp.dirname(out), exist_ok=True)
    dirs = sorted({osp.dirname(p) for p in check.images})
    cocos = []
    with tempfile.TemporaryDirectory(dir=osp.dirname(out)) as tmp:
        for i, d in enumerate(dirs):
            part = out if len(dirs) == 1 else osp.join(tmp, f'{i}.json')
            cmd = [sys.executable, PSEUDO_TOOL, d, part]
            if not progress:
                cmd.append('--no-progress')
            if subprocess.run(cmd).returncode != 0:
                raise RuntimeError(f'{PSEUDO_TOOL} failed on {d}')
            with open(part) as f:
                cocos.append(json.load(f))
    merged = cocos[0]
    no_mask = [n for c in cocos for n in c['info']['no_mask']]
    skipped = [n for c in cocos for n in c['info']['skipped']]
    if len(cocos) > 1:  # image ids are the numeric stems: unique
        merged['annotations'] = [
            dict(a, id=k) for k, a in enumerate(
                (a for c in cocos for a in c['annotations']), start=1)]
        merged['images'] = [im for c in cocos for im in c['images']]
        if len({im['id'] for im in merged['images']}) < len(
                merged['images']):
            raise RuntimeError(f'the hand masks of {dirs} reuse image ids '
                               '(non-numeric file names?)')
        merged['info'].update(source=dirs, no_mask=no_mask, skipped=skipped)
        with open(out + '.tmp', 'w') as f:
            json.dump(merged, f, separators=(',', ':'))
        os.replace(out + '.tmp', out)
    print(f'[train] hand masks -> {out}: {len(merged["images"])} images '
          f'masked, {len(no_mask)} without a mask, {len(skipped)} '
          "unreadable (the RAN config leaves them out: missing_hand='skip')")
    return dict(path=out, no_mask=no_mask, skipped=skipped)


def write_caches(root: str, out_dir: str, checks: List[SplitCheck],
                 long_side: int, workers: int, progress: bool) -> List[str]:
    """The preprocessing cache of each split's folders; returns the
    failures."""
    failed = []
    for check in checks:
        if not check.folders:
            continue
        src = osp.commonpath(check.folders)
        cache_dir = osp.join(out_dir, f'cache{long_side}', check.name)
        s = build_cache(src, cache_dir, long_side=long_side,
                        num_workers=workers, progress=progress)
        print(f'[{check.name}] cache {s["cache_dir"]}: {s["total"]} images, '
              f'{s["converted"]} converted, {s["skipped"]} up to date, '
              f'{len(s["failed"])} failed')
        failed += [f'[{check.name}] cannot cache {osp.join(src, f["path"])}:'
                   f' {f["reason"]}' for f in s['failed']]
    return failed


def print_kwargs(root: str, out_dir: str, layout: str, checks, args) -> None:
    """The dataset settings of each split, for the configs."""
    print(f"dataset settings (data_root='{root}'):")
    for split, check in zip(RSNA_LAYOUTS[layout], checks):
        if not check.has_ages:
            print(f'  {split.name}: no ages in {check.label}; put the '
                  "release's Bone age ground truth.xlsx here to evaluate")
            continue
        kw = rsna_split_kwargs(split, check.label, args.img_suffix)
        if args.cache:
            cache = osp.join(out_dir, f'cache{args.cache}', split.name)
            kw['img_cache'] = dict(cache_dir=_rel(cache, root))
        if args.hand_masks and split.name == 'train':
            kw.update(hand_ann_file=_rel(osp.join(out_dir, MASK_FILE), root),
                      missing_hand='skip')
        print(f'  {split.name}: {kw}')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Check an RSNA Bone Age download (release or Kaggle '
        'layout) and write the hand masks / image cache the configs need.')
    parser.add_argument('root', help='the download folder')
    parser.add_argument('--layout', default='auto',
                        choices=['auto', *RSNA_LAYOUTS])
    parser.add_argument('--check-only', action='store_true',
                        help='only check; never write anything')
    parser.add_argument('--decode', action='store_true',
                        help='also decode every image (slow)')
    parser.add_argument('--img-suffix', default='.png',
                        help="extension the configs read (default .png; "
                        "'auto': any image extension)")
    parser.add_argument('--hand-masks', action='store_true',
                        help=f'write {MASK_FILE} (pseudo hand masks of the '
                        'training images)')
    parser.add_argument('--cache', type=int, metavar='LONG_SIDE',
                        help='build cache<LONG_SIDE>/<split>/ caches')
    parser.add_argument('--workers', type=int, default=0,
                        help='cache worker processes (0: in-process)')
    parser.add_argument('--out-dir', help='where outputs go (default ROOT)')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args(argv)
    if args.check_only and (args.hand_masks or args.cache):
        parser.error('--check-only writes nothing: drop --hand-masks/--cache')
    if args.cache is not None and args.cache < 1:
        parser.error('--cache LONG_SIDE must be positive')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    root = osp.abspath(args.root)
    try:
        layout = detect_rsna_layout(root) if args.layout == 'auto' \
            else args.layout
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(f'{root}: RSNA Bone Age, {layout} layout')
    progress = not args.no_progress
    checks = []
    for split in RSNA_LAYOUTS[layout]:
        check = check_split(root, split, args.img_suffix, args.decode,
                            progress)
        print_check(root, check, RSNA_RELEASE_COUNTS.get(split.name))
        checks.append(check)
    for i, a in enumerate(checks):  # the splits must not share ids
        for b in checks[i + 1:]:
            both = sorted(a.ids & b.ids)
            if both:
                msg = (f'[{a.name}/{b.name}] {len(both)} id(s) in both '
                       f'{a.label} and {b.label}: {", ".join(both[:20])}')
                b.problem(msg)
                print(f'  {msg}')
    problems = sum(len(c.problems) for c in checks)
    if problems:
        print(f'{problems} problem(s): fix them before training'
              + ('' if args.check_only else '; nothing written'))
        return 1
    out_dir = osp.abspath(args.out_dir or root)
    if args.hand_masks:
        try:
            write_hand_masks(root, out_dir, checks[0], progress)
        except RuntimeError as e:
            print(f'error: {e}', file=sys.stderr)
            return 1
    if args.cache:
        failed = write_caches(root, out_dir, checks, args.cache,
                              args.workers, progress)
        for msg in failed:
            print(f'  {msg}')
        if failed:
            print(f'{len(failed)} image(s) could not be cached')
            return 1
    print_kwargs(root, out_dir, layout, checks, args)
    print('all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
