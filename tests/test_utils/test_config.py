"""apply_data_root: --data-root moves every dataset; roots are checked."""
import pytest
from mmengine.config import Config

from baa_mm.utils import apply_data_root


def _cfg():
    ds = dict(type='RSNABoneAgeDataset', data_root='data/x', ann_file='a.csv')
    return Config(dict(
        data_root='data/x',
        train_dataloader=dict(dataset=dict(type='RepeatDataset', times=2,
                                           dataset=dict(ds))),
        val_dataloader=dict(dataset=dict(ds)),
        test_dataloader=dict(dataset=dict(
            type='ConcatDataset', datasets=[dict(ds), dict(ds)])),
        # metrics keep their data-root-relative annotation files
        test_evaluator=dict(type='PartHitMetric', ann_file='ann/t.json')))


def test_data_root_reaches_wrapped_datasets(tmp_path):
    cfg = _cfg()
    apply_data_root(cfg, str(tmp_path))
    assert cfg.data_root == str(tmp_path)
    assert cfg.train_dataloader.dataset.dataset.data_root == str(tmp_path)
    assert 'data_root' not in cfg.train_dataloader.dataset  # the wrapper
    assert cfg.val_dataloader.dataset.data_root == str(tmp_path)
    assert [d.data_root for d in cfg.test_dataloader.dataset.datasets] == \
        [str(tmp_path)] * 2
    assert cfg.test_evaluator.ann_file == 'ann/t.json'


def test_missing_root_names_the_loader_and_root(tmp_path):
    cfg = _cfg()
    missing = str(tmp_path / 'nope')
    with pytest.raises(SystemExit,
                       match=f"data root '{missing}' of val_dataloader does "
                       'not exist'):
        apply_data_root(cfg, missing, ['val_dataloader'])
    # only the loaders the run reads are checked
    apply_data_root(_cfg(), None, [])
