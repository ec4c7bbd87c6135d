"""Run a trained bone-age model over a clinic's files (mmengine inferencer).

::

    inputs (files, folders, globs, CSV, arrays)
      │ collect_inputs                      one InferenceInput per image
      ▼
    chunks of ``batch_size``  ──► per input: read (DICOM sex / age), check
      │                          the image, test pipeline ─► error / rejected
      ▼                                                       rows, run goes on
    model (predict_batch; unknown sex: mean of the F and M predictions)
      ▼
    rows (one per input, always) ─► picture per image (``show_dir``)

Every input gives one row (see :mod:`baa_mm.apis.result_rows`): ``status``
is ``ok``, ``rejected`` (the image cannot be assessed; ``reason`` says why) or
``error`` (it could not be read or run). Memory stays bounded: images are
read, run and drawn one chunk at a time.
"""
import os
import os.path as osp
import sys
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.infer import BaseInferencer
from mmengine.utils import ProgressBar

from baa_mm.datasets.image_io import is_dicom, to_unit_range
from baa_mm.registry import TRANSFORMS, VISUALIZERS
from .image_checks import ImageChecks, check_image
from .calibration import InferenceCalibration
from .inference import (describe_batch, init_estimator, model_age_unit,
                        predict_batch, test_pipeline_steps, transform_name)
from .inputs import (InferenceInput, apply_overrides, collect_inputs,
                     fill_from_dicom)
from .result_rows import add_flag, new_row

__all__ = ['BoneAgeInferencer']


#: Longest side of the pictures ``show_dir`` gets, in pixels.
VIS_SIZE = 512
_SEX_NAMES = {0: 'F', 1: 'M'}


class BoneAgeInferencer(BaseInferencer):
    """Bone age of every radiograph in files, folders, globs, CSVs, arrays.

    Args:
        model (str | Config): Config file or object of a trained model.
        weights (str, optional): Local checkpoint (nothing is downloaded);
            None keeps the initial weights (tests, plumbing).
        device (str, optional): 'cpu', 'cuda', ...; None picks what exists.
        checks (ImageChecks): Thresholds of the image-level checks.
        calibration (str, optional): An :class:`InferenceCalibration` file
            (``tools/analysis_tools/calibrate_inference.py``): refuse
            out-of-distribution images, give intervals, flag predictions
            outside the training ages. 'auto' (default) uses
            ``<checkpoint stem>_calibration.npz`` when it exists; None
            none.
        no_hand (str): Segment-then-regress models that find no hand:
            'reject' (default: a ``rejected`` row) or 'whole image' (predict
            from the whole image, flagged).
        show_progress (bool): Show a progress bar. Defaults to True.

    Examples:
        >>> inferencer = BoneAgeInferencer('configs/baseline/...py',
        ...                                'work_dirs/.../epoch_40.pth')
        >>> rows = inferencer(['hospital/export/', 'extra.dcm'], sex='F',
        ...                   batch_size=16, show_dir='vis')
        >>> rows[0]['status'], rows[0]['pred_age']
    """

    preprocess_kwargs = {'sex', 'chrono_age'}
    forward_kwargs = {'with_maps', 'grad_cam'}
    visualize_kwargs = {'show_dir'}
    postprocess_kwargs: set = set()

    def __init__(self,
                 model: Union[str, Config],
                 weights: Optional[str] = None,
                 device: Optional[str] = None,
                 checks: ImageChecks = ImageChecks(),
                 calibration: Optional[str] = 'auto',
                 no_hand: str = 'reject',
                 show_progress: bool = True) -> None:
        if no_hand not in ('reject', 'whole image'):
            raise ValueError(f"no_hand must be 'reject' or 'whole image', "
                             f'got {no_hand!r}')
        self.checks, self.no_hand = checks, no_hand
        super().__init__(model, weights, device, scope='baa_mm',
                         show_progress=show_progress)
        self.unit = model_age_unit(self.cfg)
        if calibration == 'auto':
            beside = f'{osp.splitext(weights)[0]}_calibration.npz' \
                if weights else None
            calibration = beside if beside and osp.isfile(beside) else None
        self.calibration = InferenceCalibration.load(calibration) \
            if calibration else None
        if self.calibration is not None and self.calibration.unit != \
                self.unit:
            raise ValueError(f'{calibration}: calibrated in '
                             f'{self.calibration.unit}, the model predicts '
                             f'{self.unit}')

    # --- set-up hooks of BaseInferencer ---------------------------------
    def _init_model(self, cfg: Config, weights: Optional[str],
                    device: str = 'cpu') -> torch.nn.Module:
        return init_estimator(cfg, weights, device)

    def _init_pipeline(self, cfg: Config) -> Compose:
        """The test pipeline after loading (inputs arrive decoded)."""
        steps = test_pipeline_steps(cfg)
        loaders = [t for t in steps if transform_name(t) == 'LoadRadiograph']
        self.loader = TRANSFORMS.build(loaders[0] if loaders else
                                       dict(type='LoadRadiograph'))
        return Compose([TRANSFORMS.build(t) for t in steps
                        if transform_name(t) != 'LoadRadiograph'])

    def _init_collate(self, cfg: Config):
        return pseudo_collate

    def _init_visualizer(self, cfg: Config):
        return VISUALIZERS.build(dict(type='BoneAgeVisualizer',
                                      name=f'bone_age_infer_{id(self)}'))

    # --- the run ---------------------------------------------------------
    def __call__(self,
                 inputs,
                 return_datasamples: bool = False,
                 batch_size: int = 8,
                 **kwargs) -> List[dict]:
        """Run the model over ``inputs``.

        Args:
            inputs: A path, folder, glob, CSV or (H, W) array, or a list of
                them (see :mod:`baa_mm.apis.inputs`).
            return_datasamples (bool): Also put each prediction's
                :class:`BoneAgeDataSample` in its row (``data_sample``;
                None for rows that are not ``ok``).
            batch_size (int): Images per forward pass (memory is bounded by
                it, whatever the number of inputs). Defaults to 8.
            **kwargs: ``sex`` (one for all or one per input record; DICOM
                headers and CSV columns fill the rest), ``chrono_age`` (in
                the model's unit; likewise), ``grad_cam`` (True or the
                arguments of :func:`~baa_mm.visualization.
                regression_grad_cam`: add a Grad-CAM map of the predicted
                age to each picture), ``with_maps`` (draw the
                model's maps too), ``show_dir`` (write one picture per
                ``ok`` image there).

        Returns:
            list[dict]: One row per input record, in order, then one
            ``rejected`` row per file a folder search passed over (no image
            suffix), with the keys of
            :data:`~baa_mm.apis.result_rows.ROW_FIELDS`.
        """
        pre_kw, fwd_kw, vis_kw, _ = self._dispatch_kwargs(**kwargs)
        records, ignored = self.collect(inputs, **pre_kw)
        rows = []
        for batch in self.run_records(records, batch_size,
                                      return_datasamples, **fwd_kw,
                                      **vis_kw):
            rows.extend(batch)
        return rows + [self.ignored_row(p) for p in ignored]

    def collect(self, inputs, sex=None, chrono_age=None
                ) -> Tuple[List[InferenceInput], List[str]]:
        """The records to run (in order, with ``sex`` / ``chrono_age``
        applied as :meth:`__call__` describes) and the files folder searches
        passed over (no image suffix)."""
        collection = collect_inputs(inputs)
        records = apply_overrides(collection.inputs, sex=sex,
                                  chrono_age=chrono_age)
        return records, collection.ignored

    def run_records(self,
                    records: Sequence[InferenceInput],
                    batch_size: int = 8,
                    return_datasamples: bool = False,
                    with_maps: bool = False,
                    grad_cam: Union[bool, dict] = False,
                    show_dir: Optional[str] = None) -> Iterator[List[dict]]:
        """Run records chunk by chunk; yields the rows of each chunk (one
        per record, in order) as soon as it is done, so that a caller can
        write them before the next chunk (resumable runs)."""
        if batch_size < 1:
            raise ValueError(f'batch_size must be at least 1, got '
                             f'{batch_size}')
        bar = ProgressBar(len(records), file=sys.stderr) \
            if self.show_progress and records else None
        for start in range(0, len(records), batch_size):
            chunk = records[start:start + batch_size]
            prepared = [self._prepare(rec, bool(show_dir)) for rec in chunk]
            self.forward(prepared, with_maps=with_maps, grad_cam=grad_cam)
            self.visualize(prepared, show_dir=show_dir)
            yield self.postprocess(prepared, return_datasamples)
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            sys.stderr.write('\n')

    def ignored_row(self, path: str) -> dict:
        """The ``rejected`` row of a file a folder search passed over."""
        row = new_row(path, self.unit)
        row.update(status='rejected', reason=f'not an image file (suffix '
                   f'{osp.splitext(path)[1]!r}); not read')
        return row

    def _prepare(self, rec: InferenceInput, keep_image: bool) -> dict:
        """Read, check and transform one input → a work item.

        Returns:
            dict: ``row`` (the result row so far), ``packed`` (the pipeline
            output, or None when the row is already final) and ``image``
            (the loaded image when ``keep_image``, for the picture).
        """
        row = new_row(rec.source, self.unit)
        item = dict(row=row, packed=None, image=None)
        flags: List[str] = []
        try:
            if rec.is_file:
                if not osp.isfile(rec.source):
                    raise FileNotFoundError('file not found')
                with open(rec.source, 'rb') as f:
                    head = f.read(132)
                if is_dicom(head):
                    flags += fill_from_dicom(rec, self.unit)
                results = self.loader(dict(img_path=rec.source))
            else:
                img = to_unit_range(np.asarray(rec.array), rec.source)
                results = dict(img=img, img_shape=img.shape[:2],
                               ori_shape=img.shape[:2])
            results['img_id'] = osp.splitext(osp.basename(rec.source))[0]
        except Exception as e:  # one bad file must not end the run
            row.update(status='error', reason=f'{type(e).__name__}: {e}')
            return item
        row.update(sex=_SEX_NAMES.get(rec.sex), sex_source=rec.sex_source,
                   chrono_age=rec.chrono_age, age_source=rec.age_source,
                   flags='; '.join(flags) or None)
        reason = check_image(results['img'], self.checks)
        if reason is not None:
            row.update(status='rejected', reason=reason)
            return item
        if keep_image:
            item['image'] = results['img']
        if rec.sex is not None:
            results['sex'] = rec.sex
        if rec.chrono_age is not None:
            results['chrono_age'] = rec.chrono_age
        try:
            item['packed'] = self.pipeline(results)
        except Exception as e:
            row.update(status='error',
                       reason=f'pipeline: {type(e).__name__}: {e}')
        return item

    def preprocess(self, inputs, batch_size: int = 1, **kwargs):
        """Not used: :meth:`__call__` reads inputs chunk by chunk."""
        raise NotImplementedError('BoneAgeInferencer reads its inputs in '
                                  '__call__; call the inferencer')

    def forward(self, items: List[dict], with_maps: bool = False,
                grad_cam: Union[bool, dict] = False) -> None:
        """Predict the items that passed (in place: ``item['sample']``).

        Inputs without sex are run as female and as male and get the mean
        of the two (flagged where the two differ, i.e. the model uses sex).
        """
        ready = [it for it in items if it['packed'] is not None]
        if not ready:
            return
        known = [it for it in ready if 'sex' in it['packed']['data_samples']]
        unknown = [it for it in ready if it not in known]
        if known:
            self._run(known, with_maps, grad_cam, sex=None)
        if unknown:
            female = self._run(unknown, with_maps, grad_cam, sex=0)
            male = self._run(unknown, False, False, sex=1, store=False)
            for it, f, m in zip(unknown, female, male):
                fa, ma = float(f.pred_age), float(m.pred_age)
                it['sample'].pred_age = torch.tensor((fa + ma) / 2.)
                if abs(fa - ma) > 1e-3:
                    add_flag(it['row'], f'sex unknown: mean of F '
                             f'({fa:.1f}) and M ({ma:.1f})')
        for it in ready:
            if self.no_hand == 'reject' and \
                    it['sample'].metainfo.get('fallback') == 'no hand':
                it['row'].update(status='rejected', reason=(
                    'no hand found: the segmenter scored no hand above '
                    'its threshold'))
                it['sample'] = None
            elif self.calibration is not None:
                self._calibrate(it)

    def _calibrate(self, item: dict) -> None:
        """Refuse an out-of-distribution image (its sample is dropped: no
        age, no picture), or add the interval and the label-range flag."""
        calib, row = self.calibration, item['row']
        if item.get('refusal'):
            row.update(status='rejected', reason=(
                f"{item['refusal']} (thresholds set to refuse at most "
                f'{calib.ood_rate:.0%} of radiographs like the training '
                'ones)'))
            item['sample'] = None
            return
        age = float(item['sample'].pred_age)
        lower, upper = calib.interval(age)
        row.update(lower=round(lower, 2), upper=round(upper, 2))
        item['sample'].set_metainfo(dict(pred_interval=(lower, upper)))
        lo, hi = calib.label_range
        if not lo <= age <= hi:
            add_flag(row, f'outside the training ages [{lo:g}, {hi:g}]')

    def _run(self, items: List[dict], with_maps: bool,
             grad_cam: Union[bool, dict], sex: Optional[int],
             store: bool = True) -> list:
        samples = [it['packed']['data_samples'] for it in items]
        if sex is not None:
            samples = [s.clone().set_sex(sex) for s in samples]
        data = self.collate_fn([dict(inputs=it['packed']['inputs'],
                                     data_samples=s)
                                for it, s in zip(items, samples)])
        out = predict_batch(self.model, data, with_maps=with_maps,
                            grad_cam=grad_cam)
        if store:
            refusals = self._refusals(data)
            for k, (it, sample) in enumerate(zip(items, out)):
                it['sample'] = sample
                if refusals is not None:
                    dists, reasons = refusals
                    for name, d in dists.items():
                        it['row'][f'ood_{name}'] = round(float(d[k]), 3)
                    it['refusal'] = reasons[k]
        return out

    def _refusals(self, data: dict):
        if self.calibration is None:
            return None
        return self.calibration.refusal(describe_batch(self.model, data))

    def visualize(self, items: List[dict],
                  show_dir: Optional[str] = None) -> None:
        """Write one picture per predicted image into ``show_dir``."""
        if not show_dir:
            return
        os.makedirs(show_dir, exist_ok=True)
        for k, it in enumerate(items):
            sample = it.get('sample')
            if sample is None:
                continue
            # the loaded image, at most VIS_SIZE px (boxes, masks and maps
            # are drawn in its frame)
            image = it['image']
            scale = VIS_SIZE / max(image.shape[:2])
            if scale < 1:
                image = cv2.resize(image, None, fx=scale, fy=scale,
                                   interpolation=cv2.INTER_AREA)
            name = osp.splitext(osp.basename(it['row']['path']))[0] or \
                f'input_{k}'
            out_file = osp.join(show_dir, f'{name}.png')
            self.visualizer.add_datasample(name, image, sample,
                                           out_file=out_file)
            it['row']['vis_path'] = out_file

    def postprocess(self, items: List[dict],
                    return_datasamples: bool = False) -> List[dict]:
        """Finish the rows: status, ages, bone age minus chronological age."""
        rows = []
        for it in items:
            row, sample = it['row'], it.get('sample')
            if sample is not None:
                age = float(sample.pred_age)
                row.update(status='ok', pred_age=round(age, 2))
                if 'fallback' in sample.metainfo:
                    add_flag(row, f'{sample.metainfo["fallback"]}: whole '
                             'image used')
                elif 'pred_hand' in sample:
                    add_flag(row, 'hand score '
                             f'{float(sample.pred_hand.scores[0]):.2f}')
                if row['chrono_age'] is not None:
                    row['ba_minus_ca'] = round(age - row['chrono_age'], 2)
            if return_datasamples:
                row['data_sample'] = sample
            rows.append(row)
        return rows
