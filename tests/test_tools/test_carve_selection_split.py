from baa_mm.datasets import RSNABoneAgeDataset, read_id_list
from conftest import load_tool

main = load_tool('tools/dataset_converters/carve_selection_split.py').main


def test_tool_writes_the_configs_holdout(rsna_folder, tmp_path, capsys):
    out = str(tmp_path / 'select.txt')
    assert main([f'{rsna_folder}/train.csv', '--holdout', '0.3', '--out',
                 out]) == 0
    listed = read_id_list(out)
    ds = RSNABoneAgeDataset(ann_file='train.csv', data_root=rsna_folder,
                            data_prefix=dict(img_path='train'),
                            id_subset=dict(holdout=0.3, part='holdout'))
    assert listed == [ds.get_data_info(i)['img_id'] for i in range(len(ds))]
    assert f'{len(listed)} selection' in capsys.readouterr().out
    assert open(out).readline().startswith('# selection split of ')


def test_tool_names_a_broken_table(tmp_path, capsys):
    bad = tmp_path / 'train.csv'
    bad.write_text('')
    assert main([str(bad), '--out', str(tmp_path / 'x.txt')]) == 1
    assert 'train.csv' in capsys.readouterr().err


def test_tool_rejects_bad_fraction(rsna_folder, tmp_path, capsys):
    assert main([f'{rsna_folder}/train.csv', '--holdout', '2', '--out',
                 str(tmp_path / 'x.txt')]) == 1
    assert 'fraction' in capsys.readouterr().err
