"""Inference over a large archive: sharded across processes, resumable.

::

    inputs ─► records (+ files a folder search passed over), index 0..N-1
      │ cut into the batches a single process would run; rank r of W takes
      │ the batches k with k % W == r, less those done
      ▼
    rows of each finished batch ─► OUT.rank<r>.part.jsonl (appended, flushed)
      │ barrier
      ▼
    rank 0: every part file ─► OUT in input order (atomic) ─► parts deleted

The part files are the run's journal. A run that is killed leaves them; the
next run with the same inputs and ``OUT`` (any number of processes) reads
them, skips every row already written and runs only the rest, so no row is
lost or written twice. A line cut short by the kill is ignored (its input
runs again). Every image is predicted in the same batch as in a
single-process run with the same ``batch_size``, and rows keep their types
in the journal (JSON lines), so the final CSV or JSON is the one a single
process writes.
"""
import glob
import json
import os
from typing import Callable, Dict, List, Optional

from .bone_age_inferencer import BoneAgeInferencer
from .result_rows import ROW_FIELDS, write_rows

__all__ = ['part_path', 'read_parts', 'run_sharded']


def part_path(out: str, rank: int) -> str:
    """The journal of rank ``rank`` for the output ``out``."""
    return f'{out}.rank{rank}.part.jsonl'


def _journals(out: str) -> List[str]:
    """Every rank's journal for the output ``out`` (any world size)."""
    return sorted(glob.glob(glob.escape(out) + '.rank*.part.jsonl'))


def read_parts(out: str) -> Dict[int, dict]:
    """Rows already written by earlier or current runs, by input index.

    A last line without its newline (the process died while writing it)
    is ignored; any other unreadable line raises ``ValueError`` naming the
    file and line.
    """
    done: Dict[int, dict] = {}
    for path in _journals(out):
        with open(path) as f:
            lines = f.read().split('\n')
        # the text after the last newline is '' or a line cut short
        for num, line in enumerate(lines[:-1], 1):
            try:
                entry = json.loads(line)
                done[int(entry['index'])] = entry['row']
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f'{path}, line {num}: not a result row '
                                 f'({e})') from e
    return done


def _drop_cut_line(path: str) -> None:
    """Truncate a journal after its last newline (a line cut short by a
    kill), so that appending starts on a line of its own."""
    if not os.path.isfile(path):
        return
    with open(path, 'rb+') as f:
        data = f.read()
        if data and not data.endswith(b'\n'):
            f.truncate(data.rfind(b'\n') + 1)


def _append(path: str, rows: List[dict], indices: List[int]) -> None:
    with open(path, 'a') as f:
        for i, row in zip(indices, rows):
            f.write(json.dumps(dict(index=i, row={k: row.get(k)
                                                  for k in ROW_FIELDS})))
            f.write('\n')
        f.flush()
        os.fsync(f.fileno())


def run_sharded(inferencer: BoneAgeInferencer,
                inputs,
                out: str,
                batch_size: int = 8,
                rank: int = 0,
                world_size: int = 1,
                barrier: Optional[Callable[[], None]] = None,
                sex=None,
                chrono_age=None,
                **run_kwargs) -> Optional[List[dict]]:
    """Run ``inputs`` with this process's share and merge on rank 0.

    Args:
        inferencer (BoneAgeInferencer): The model (one per process).
        inputs: As for :class:`BoneAgeInferencer` (every rank collects the
            same list: keep the inputs and their order fixed between a
            killed run and its resumption).
        out (str): The final ``.csv`` or ``.json``; journals are written
            beside it.
        batch_size (int): Images per forward pass.
        rank (int): This process's rank.
        world_size (int): Number of processes.
        barrier (callable, optional): Waits for every rank (e.g.
            :func:`mmengine.dist.barrier`); needed when ``world_size`` > 1.
        sex, chrono_age: As for :meth:`BoneAgeInferencer.collect`.
        **run_kwargs: ``with_maps``, ``grad_cam``, ``show_dir`` for
            :meth:`BoneAgeInferencer.run_records`.

    Returns:
        list[dict] | None: On rank 0 every row in input order (as
        :class:`BoneAgeInferencer` returns them); None on the other ranks.

    Raises:
        ValueError: A journal holds a row for an index whose input is now a
            different file (the inputs changed since the killed run): the
            message names the index and both paths.
        RuntimeError: Rows are missing after every rank finished.
    """
    if world_size > 1 and barrier is None:
        raise ValueError('world_size > 1 needs a barrier')
    records, ignored = inferencer.collect(inputs, sex=sex,
                                          chrono_age=chrono_age)
    paths = [r.source for r in records] + list(ignored)
    done = read_parts(out)
    for i, row in done.items():
        if i >= len(paths) or row['path'] != paths[i]:
            now = paths[i] if i < len(paths) else '(no such input)'
            raise ValueError(
                f'{out}: a partial run wrote input {i} as {row["path"]!r}, '
                f'now it is {now!r}; the inputs changed since that run. '
                f'Run with the same inputs, or delete '
                f'{out}.rank*.part.jsonl to start over')
    if done and rank == 0:
        print(f'{out}: resuming, {len(done)} of {len(paths)} rows '
              'already written by an earlier run', flush=True)
    if barrier is not None:
        barrier()  # every rank has read the journals before any writes
    # Shards are whole batches of the single-process run (batch k goes to
    # rank k % world_size), so every image is predicted in the company it
    # would have had in one process. A batch counts as done only when all
    # its rows are (a kill while journalling one re-runs it whole).
    batches = [list(range(start, min(start + batch_size, len(records))))
               for start in range(0, len(records), batch_size)]
    todo = [i for k, batch in enumerate(batches)
            if k % world_size == rank and not all(i in done for i in batch)
            for i in batch]
    journal = part_path(out, rank)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    _drop_cut_line(journal)
    rows_of = inferencer.run_records([records[i] for i in todo], batch_size,
                                     **run_kwargs)
    # each batch is journalled as soon as it is done, before the next runs
    for start, rows in zip(range(0, len(todo), batch_size), rows_of):
        _append(journal, rows, todo[start:start + batch_size])
    skipped = [i for i in range(len(records), len(paths))
               if i % world_size == rank and i not in done]
    if skipped:
        _append(journal, [inferencer.ignored_row(paths[i]) for i in skipped],
                skipped)
    if barrier is not None:
        barrier()
    if rank != 0:
        return None
    done = read_parts(out)
    missing = [i for i in range(len(paths)) if i not in done]
    if missing:
        raise RuntimeError(f'{out}: {len(missing)} rows missing after the '
                           f'run (inputs {missing[:10]} ...)')
    rows = [done[i] for i in range(len(paths))]
    write_rows(rows, out)
    for path in _journals(out):
        os.remove(path)
    return rows
