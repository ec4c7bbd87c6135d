"""reroot_ann_files: evaluator annotation files follow --data-root."""
from mmengine.config import ConfigDict

from baa_mm.utils import reroot_ann_files


def test_reroot_list_dict_and_untouched_entries():
    evals = [
        dict(type='A', ann_file='data/x/annotations/test.json'),
        dict(type='B'),
        dict(type='C', ann_file='elsewhere/test.json'),
    ]
    out = reroot_ann_files(evals, 'data/x/', '/tmp/new')
    assert out[0]['ann_file'] == '/tmp/new/annotations/test.json'
    assert out[1] == dict(type='B')
    assert out[2]['ann_file'] == 'elsewhere/test.json'
    # the input is not modified
    assert evals[0]['ann_file'] == 'data/x/annotations/test.json'
    one = reroot_ann_files(ConfigDict(type='A', ann_file='data/x/a.json'),
                           'data/x', 'r')
    assert isinstance(one, ConfigDict) and one.ann_file == 'r/a.json'
    # a root that is only a string prefix of another folder is not moved
    assert reroot_ann_files(dict(ann_file='data/xy/a.json'), 'data/x',
                            'r')['ann_file'] == 'data/xy/a.json'
    assert reroot_ann_files(None, 'a', 'b') is None
