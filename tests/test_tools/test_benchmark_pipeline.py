"""tools/analysis_tools/benchmark_pipeline.py: Runner vs plain loop, a
smoke run on the phantoms (tiny sizes: not a timing)."""
import os.path as osp

import pytest

from conftest import REPO, load_tool

SMOKE = osp.join(REPO, 'configs', 'quick_schedules',
                 'baseline_r18_1xb2-2e_phantom-64px.py')
bench = load_tool('tools/analysis_tools/benchmark_pipeline.py')


def test_pipeline_and_plain_loop_are_timed(phantom_root, capsys):
    out = bench.main([SMOKE, '--data-root', phantom_root, '--warmup', '1',
                      '--iters', '3', '--rounds', '1'])
    printed = capsys.readouterr().out
    assert out['pipeline'] > 0 and out['loop'] > 0
    assert out['ratio'] == pytest.approx(out['pipeline'] / out['loop'])
    assert 'batch 2, 8 images' in printed and '(target <= 1.15)' in printed
    assert out['peak_mib'] > 0


def test_too_few_images_is_named(phantom_root):
    with pytest.raises(SystemExit, match=r'16 training images, 400 needed'):
        bench.main([SMOKE, '--data-root', phantom_root, '--warmup', '0',
                    '--iters', '200'])
