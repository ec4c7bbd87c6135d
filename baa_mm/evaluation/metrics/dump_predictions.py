"""Write per-image predictions to CSV (``tools/test.py --out``)."""
import csv
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from baa_mm.registry import METRICS
from ..functional.late_fusion import PREDICTION_FIELDS

__all__ = ['DumpBoneAgePredictions']


@METRICS.register_module()
class DumpBoneAgePredictions(BaseMetric):
    """Dump ``img_id, sex, gt_age, pred_age, abs_error`` rows to a CSV file.

    Rows come in dataset order (after distributed collection); missing fields
    are left empty.  Returns no metric values. Several members' files
    (e.g. of different configs) are averaged by
    ``tools/analysis_tools/fuse_predictions.py``.

    Args:
        out_file_path (str): Output ``.csv`` path.
        collect_device (str): As :class:`BaseMetric`.
    """

    FIELDS = PREDICTION_FIELDS

    def __init__(self, out_file_path: str, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not out_file_path.endswith('.csv'):
            raise ValueError(f'--out must be a .csv file, got {out_file_path}')
        self.out_file_path = out_file_path

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for s in data_samples:
            pred = float(s['pred_age'])
            gt = float(s['gt_age']) if 'gt_age' in s else None
            self.results.append(dict(
                img_id=s.get('img_id', ''), img_path=s.get('img_path', ''),
                sex=int(s['sex']) if 'sex' in s else '',
                gt_age='' if gt is None else f'{gt:.4f}',
                pred_age=f'{pred:.4f}',
                abs_error='' if gt is None else f'{abs(pred - gt):.4f}'))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        out_dir = osp.dirname(osp.abspath(self.out_file_path))
        os.makedirs(out_dir, exist_ok=True)
        with open(self.out_file_path, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=self.FIELDS)
            writer.writeheader()
            writer.writerows(results)
        MMLogger.get_current_instance().info(
            f'wrote {len(results)} predictions to {self.out_file_path}')
        return {}
