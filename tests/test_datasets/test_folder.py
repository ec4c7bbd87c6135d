"""baa_mm.datasets.folder: the files of an image folder."""
import pytest

from baa_mm.datasets.folder import list_folder_files


def test_list_folder_files(tmp_path):
    for name in ('b.png', 'a.dcm', 'notes.txt', '.hidden.png'):
        (tmp_path / name).write_bytes(b'x')
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'sub' / 'c.png').write_bytes(b'x')
    # sorted, every regular non-hidden file, not recursive
    names = list_folder_files(str(tmp_path))
    assert names == ['a.dcm', 'b.png', 'notes.txt']
    assert list_folder_files(str(tmp_path / 'sub')) == ['c.png']
    with pytest.raises(FileNotFoundError, match='image folder not found'):
        list_folder_files(str(tmp_path / 'missing'))
    with pytest.raises(FileNotFoundError):
        list_folder_files(str(tmp_path / 'b.png'))
