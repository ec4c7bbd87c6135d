"""docs/adding_a_method.md: the backbone example is one file and one config,
and it trains, tests and draws its map exactly as written there."""
import glob
import os
import os.path as osp
import re

import cv2

from conftest import PYTHON, REPO, run_tool

DOC = osp.join(REPO, 'docs', 'adding_a_method.md')


def _examples():
    """``{file name: code}`` of the blocks marked ``<!-- example: NAME -->``."""
    text = open(DOC).read()
    blocks = re.findall(r'<!-- example: (\S+) -->\s*```python\n(.*?)```',
                        text, flags=re.S)
    return dict(blocks)


def test_backbone_example_is_one_file_and_one_config(phantom_root, tmp_path):
    examples = _examples()
    assert sorted(examples) == ['baa_mm_example_backbone.py',
                                'tinyconv_1xb2-2e_phantom-64px.py']
    # the config sits in a configs/ tree next to the shipped bases
    configs = tmp_path / 'configs'
    (configs / 'baseline').mkdir(parents=True)
    for name in ('_base_', 'quick_schedules'):
        os.symlink(osp.join(REPO, 'configs', name), configs / name)
    cfg = configs / 'baseline' / 'tinyconv_1xb2-2e_phantom-64px.py'
    cfg.write_text(examples['tinyconv_1xb2-2e_phantom-64px.py'])
    module_dir = tmp_path / 'module'
    module_dir.mkdir()
    (module_dir / 'baa_mm_example_backbone.py').write_text(
        examples['baa_mm_example_backbone.py'])
    env = dict(PYTHONPATH=os.pathsep.join([REPO, str(module_dir)]))
    work = tmp_path / 'work'
    run_tool([PYTHON, 'tools/train.py', str(cfg), '--data-root', phantom_root,
              '--work-dir', str(work)], env=env)
    proc = run_tool([PYTHON, 'tools/test.py', str(cfg),
                     str(work / 'epoch_2.pth'), '--data-root', phantom_root,
                     '--work-dir', str(work), '--show-dir', 'vis'], env=env)
    assert 'MAE on' in proc.stdout
    pictures = sorted(glob.glob(str(work / '*' / 'vis' / '*.png')))
    assert len(pictures) == 8  # the 8 test phantoms
    img = cv2.imread(pictures[0])
    # two panels side by side: the radiograph and the backbone's map
    assert img.shape[1] == 2 * img.shape[0]
