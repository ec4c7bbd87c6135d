"""tools/analysis_tools/fuse_predictions.py: late fusion of --out CSVs."""
import re

import pytest

from conftest import PYTHON, load_tool, run_tool

TOOL = 'tools/analysis_tools/fuse_predictions.py'
HEADER = 'img_id,img_path,sex,gt_age,pred_age,abs_error'


def _write(tmp_path, name, preds):
    gts, sexes = (10., 30., 50., 70.), (1, 0, 1, 0)
    lines = [HEADER] + [
        f'c{i},ct/c{i}.png,{s},{g:.4f},{p:.4f},{abs(p - g):.4f}'
        for i, (g, s, p) in enumerate(zip(gts, sexes, preds))]
    path = tmp_path / name
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


@pytest.fixture
def csvs(tmp_path):
    # errors: vgg +2 -4 +6 -8 (MAE 5), inception -2 +4 -6 +8 (MAE 5):
    # their mean is exact (MAE 0); resnet +1 +1 +1 +1 (MAE 1)
    return [_write(tmp_path, 'a.csv', (12., 26., 56., 62.)),
            _write(tmp_path, 'b.csv', (8., 34., 44., 78.)),
            _write(tmp_path, 'c.csv', (11., 31., 51., 71.))]


def _row(stdout, name):
    m = re.search(rf'^{name}\s+(\S+)\s+([\d.]+)', stdout, re.M)
    assert m, stdout
    return m.group(1), float(m.group(2))  # weight, MAE


def test_fuses_prints_and_writes(csvs, tmp_path):
    out = tmp_path / 'fused.csv'
    proc = run_tool([PYTHON, TOOL, *csvs, '--names', 'vgg', 'inception',
                     'resnet', '--out', str(out), '--age-unit', 'years'])
    assert ('4 images, ages in years; per age band: 0-18: 1, 18-40: 1, '
            '40-60: 1, 60+: 1') in proc.stdout
    head = [line for line in proc.stdout.splitlines()
            if line.startswith('member')][0].split()
    assert head[:4] == ['member', 'weight', 'MAE', 'RMSE']
    assert {'within_5', 'within_10', 'MAE_0-18', 'MAE_60+'} <= set(head)
    assert _row(proc.stdout, 'vgg') == ('0.333', 5.)
    assert _row(proc.stdout, 'inception')[1] == 5.
    assert _row(proc.stdout, 'resnet')[1] == 1.
    # fused errors: +1/3 each -> MAE 1/3
    assert _row(proc.stdout, 'fused') == ('-', 0.333)
    lines = out.read_text().splitlines()
    assert lines[0] == HEADER + ',pred_vgg,pred_inception,pred_resnet'
    assert lines[1] == ('c0,ct/c0.png,1,10.0000,10.3333,0.3333,12.0000,'
                        '8.0000,11.0000')
    assert len(lines) == 5


def test_weights_and_errors_in_process(csvs, tmp_path, capsys):
    tool = load_tool(TOOL)
    tool.main([csvs[0], csvs[1], '--weights', '1', '3'])
    stdout = capsys.readouterr().out
    assert 'ages in months' in stdout and 'within_6' in stdout
    assert _row(stdout, 'a') == ('0.250', 5.)
    # fused errors: 0.25 * (+2 -4 +6 -8) + 0.75 * (-2 +4 -6 +8) -> MAE 2.5
    assert _row(stdout, 'fused')[1] == 2.5
    short = tmp_path / 'short.csv'
    short.write_text('\n'.join(open(csvs[2]).read().splitlines()[:3]) + '\n')
    with pytest.raises(SystemExit, match=r"error: image 'c2', 'c3' of 'a' "
                       r'\(.*a.csv\) missing from .*short.csv'):
        tool.main([csvs[0], str(short)])
    with pytest.raises(SystemExit, match='error: 1 weights for 2'):
        tool.main([csvs[0], csvs[1], '--weights', '1'])
