"""Config helpers shared by the tools and the tests."""
import os.path as osp
from typing import List, Union

__all__ = ['reroot_ann_files']


def reroot_ann_files(evaluator_cfg: Union[dict, List[dict], None],
                     old_root: str, new_root: str):
    """Evaluator config(s) with ``ann_file`` moved from one data root to
    another.

    Metrics that read annotation files (mmdet's ``CocoMetric``,
    ``PartHitMetric``, ``HandMaskIoUMetric``) name them under the config's
    ``data_root``; ``--data-root`` must move them too. Entries outside
    ``old_root`` are kept. Returns copies (a dict for a dict, a list for a
    list); None stays None.
    """
    if evaluator_cfg is None:
        return None
    single = isinstance(evaluator_cfg, dict)
    items = [evaluator_cfg] if single else list(evaluator_cfg)
    prefix = old_root.rstrip('/') + '/' if old_root else None
    out = []
    for item in items:
        item = type(item)(item) if isinstance(item, dict) else item
        ann = item.get('ann_file') if isinstance(item, dict) else None
        if prefix and new_root and isinstance(ann, str) and \
                ann.startswith(prefix):
            item['ann_file'] = osp.join(new_root, ann[len(prefix):])
        out.append(item)
    return out[0] if single else out
