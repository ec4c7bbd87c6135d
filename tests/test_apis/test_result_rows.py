"""result_rows: the row layout of the inferencer and the status counts."""
from baa_mm.apis.result_rows import ROW_FIELDS, new_row, summarize_rows


def test_new_row_has_every_field_and_counts_by_status():
    row = new_row('a.png', 'months')
    assert tuple(row) == ROW_FIELDS
    assert (row['path'], row['unit'], row['status']) == ('a.png', 'months',
                                                         None)
    rows = [dict(row, status=s) for s in ('ok', 'error', 'ok', 'rejected')]
    assert summarize_rows(rows) == dict(ok=2, rejected=1, error=1)
    assert summarize_rows([]) == dict(ok=0, rejected=0, error=0)
