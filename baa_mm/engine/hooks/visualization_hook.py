"""Saving drawn predictions during ``tools/test.py --show-dir``."""
import os.path as osp
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from baa_mm.registry import HOOKS

__all__ = ['BoneAgeVisualizationHook']


@HOOKS.register_module()
class BoneAgeVisualizationHook(Hook):
    """Draw every ``interval``-th test/val image with the runner's visualiser.

    Before testing it asks the model for its maps
    (``BaseBoneAgeEstimator.set_return_maps``) and restores the setting
    afterwards. Each sample is drawn over its full-resolution ``hr_img`` when
    the pipeline kept one, else over the network input, and written to
    ``{work_dir}/{timestamp}/{out_dir}/{img_id}.png`` (``out_dir`` absolute:
    used as is).

    Args:
        out_dir (str): Output folder.
        interval (int): Draw every ``interval``-th batch. Defaults to 1.
        draw_gt (bool): Draw the ground-truth age too.
    """

    priority = 'NORMAL'

    def __init__(self,
                 out_dir: str = 'vis',
                 interval: int = 1,
                 draw_gt: bool = True) -> None:
        self.out_dir = out_dir
        self.interval = interval
        self.draw_gt = draw_gt
        self._dir: Optional[str] = None
        self._previous: Optional[bool] = None

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) \
            else runner.model

    def before_test(self, runner) -> None:
        self._dir = self.out_dir if osp.isabs(self.out_dir) else osp.join(
            runner.work_dir, runner.timestamp, self.out_dir)
        model = self._model(runner)
        self._previous = model.set_return_maps(True) \
            if hasattr(model, 'set_return_maps') else None

    def after_test(self, runner) -> None:
        model = self._model(runner)
        if self._previous is not None:
            model.set_return_maps(self._previous)
        runner.logger.info(f'drawn predictions saved to {self._dir}')

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch=None,
                        outputs: Optional[Sequence] = None) -> None:
        if self._dir is None or batch_idx % self.interval != 0:
            return
        inputs = data_batch['inputs'] if data_batch else None
        for i, sample in enumerate(outputs or []):
            if 'hr_img' in sample:
                image = sample.hr_img
            elif inputs is not None:
                image = inputs[i]
            else:
                continue
            name = str(sample.metainfo.get('img_id', f'{batch_idx}_{i}'))
            runner.visualizer.add_datasample(
                name,
                image,
                sample,
                draw_gt=self.draw_gt,
                out_file=osp.join(self._dir, f'{name}.png'))
