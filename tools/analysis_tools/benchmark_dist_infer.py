"""Distributed inference over a large folder: same CSV as one process,
resumable after a crash, and the speed-up of N ranks.

Example::

    python tools/analysis_tools/benchmark_dist_infer.py --num-images 2000

In one run, on one folder of ``--num-images`` radiographs (phantoms
generated under ``--work-dir`` unless ``--src`` is given):

1. ``tools/infer.py`` in one process writes ``single.csv`` (timed);
2. ``tools/dist_infer.sh`` with ``--nproc`` ranks writes ``dist.csv``
   (timed); it must equal ``single.csv`` byte for byte;
3. ``tools/dist_infer.sh`` again, killed with SIGKILL (the launcher, torchrun
   and every rank, each in a session of its own) once its journals hold
   ``--kill-at`` of the rows, then started again: the resumed run must say
   how many rows it found, and its CSV must equal ``single.csv`` (no row
   lost or written twice) with no journal left behind.

Without ``--checkpoint`` the model keeps its initial weights (saved to the
work dir): the check is about the rows, not the ages. Exit code 1 when a
file differs. The ratio printed is one-process wall time over N-rank wall
time, both including start-up (model building, folder search).
"""
import argparse
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
DEFAULT_CONFIG = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')


def _infer_args(ckpt_args, src, out, batch_size):
    return [*ckpt_args, src, '--out', out, '--sex', 'F', '--batch-size',
            str(batch_size), '--no-progress']


def _env(port: int) -> dict:
    return dict(os.environ, PYTHONPATH=REPO, PYTHON=sys.executable,
                PORT=str(port))


def _run(cmd, env) -> tuple:
    """Run ``cmd`` to the end (exit on failure): (wall seconds, its output)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f'failed ({proc.returncode}): {" ".join(cmd)}\n'
                 f'{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}')
    return time.perf_counter() - t0, proc.stdout + proc.stderr


def _descendants(pid: int) -> list:
    """Every process below ``pid`` (Linux ``/proc``), children first."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open(f'/proc/{entry}/stat') as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # the process ended meanwhile
            children.setdefault(ppid, []).append(int(entry))
    return _descendants_of(pid, children)


def _descendants_of(pid: int, children: dict) -> list:
    found = []
    for child in children.get(pid, []):
        found += _descendants_of(child, children) + [child]
    return found


def _crash(pid: int) -> None:
    """SIGKILL ``pid`` and every process below it, as a machine failure
    would. Killing the process group is not enough: torchrun starts each
    rank in a session of its own, so its ranks outlive a killed launcher
    and would finish the run."""
    for p in _descendants(pid) + [pid]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _same(a: str, b: str) -> bool:
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        return fa.read() == fb.read()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--checkpoint', default=None,
                        help='default: the model with its initial weights')
    parser.add_argument('--src', default=None,
                        help='folder of images (default: generated '
                        'phantoms)')
    parser.add_argument('--num-images', type=int, default=2000)
    parser.add_argument('--img-size', type=int, default=64)
    parser.add_argument('--nproc', type=int, default=2)
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--kill-at', type=float, default=0.5,
                        help='fraction of rows journalled before the kill')
    parser.add_argument('--work-dir', default='/tmp/baa_mm_dist_infer_bench')
    parser.add_argument('--port', type=int, default=29650)
    args = parser.parse_args(argv)
    if not 0 < args.kill_at < 1:
        parser.error('--kill-at must be between 0 and 1')
    os.makedirs(args.work_dir, exist_ok=True)

    from baa_mm.apis import read_parts
    src = args.src
    if src is None:
        src = osp.join(args.work_dir, 'phantom')
        if not osp.isdir(osp.join(src, 'train')):
            from baa_mm.datasets.phantom import generate_phantom_dataset
            generate_phantom_dataset(src, num_train=args.num_images,
                                     num_val=1, num_test=1,
                                     img_size=args.img_size, seed=0)
        src = osp.join(src, 'train')
    ckpt = args.checkpoint
    if ckpt is None:
        import torch

        from baa_mm.apis import BoneAgeInferencer
        ckpt = osp.join(args.work_dir, 'initial_weights.pth')
        model = BoneAgeInferencer(args.config, device='cpu',
                                  show_progress=False).model
        torch.save(dict(state_dict=model.state_dict(), meta={}), ckpt)
    base = [args.config, ckpt]
    outs = {k: osp.join(args.work_dir, f'{k}.csv')
            for k in ('single', 'dist', 'killed')}
    for out in outs.values():
        for f in [out] + [out + f'.rank{r}.part.jsonl'
                          for r in range(args.nproc)]:
            if osp.exists(f):
                os.remove(f)
    dist_cmd = ['bash', 'tools/dist_infer.sh', args.config, ckpt,
                str(args.nproc)]

    t_single, _ = _run([sys.executable, 'tools/infer.py',
                        *_infer_args(base, src, outs['single'],
                                     args.batch_size)], _env(args.port))
    with open(outs['single']) as f:
        num_rows = sum(1 for _ in f) - 1
    t_dist, _ = _run(dist_cmd + _infer_args([], src, outs['dist'],
                                            args.batch_size),
                     _env(args.port + 1))
    dist_same = _same(outs['single'], outs['dist'])

    # a crash half-way: SIGKILL to torchrun and its ranks
    run = subprocess.Popen(
        dist_cmd + _infer_args([], src, outs['killed'], args.batch_size),
        cwd=REPO, env=_env(args.port + 2), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    target = int(args.kill_at * num_rows)
    while run.poll() is None and len(read_parts(outs['killed'])) < target:
        time.sleep(0.05)
    _crash(run.pid)
    run.wait()
    done_at_kill = len(read_parts(outs['killed']))
    killed_early = not osp.exists(outs['killed'])
    t_resume, log = _run(dist_cmd + _infer_args([], src, outs['killed'],
                                                args.batch_size),
                         _env(args.port + 3))
    with open(osp.join(args.work_dir, 'resume.log'), 'w') as f:
        f.write(log)
    found = re.search(r'resuming, (\d+) of (\d+) rows', log)
    said = found is not None and found.groups() == (str(done_at_kill),
                                                    str(num_rows))
    resumed_same = _same(outs['single'], outs['killed'])
    leftovers = [f for f in os.listdir(args.work_dir) if '.part.' in f]

    result = dict(rows=num_rows, t_single=t_single, t_dist=t_dist,
                  speedup=t_single / t_dist, dist_same=dist_same,
                  done_at_kill=done_at_kill, killed_early=killed_early,
                  resume_reported=said, t_resume=t_resume,
                  resumed_same=resumed_same, leftovers=leftovers)
    print(f'{num_rows} rows, batch {args.batch_size}, '
          f'{args.nproc} ranks (gloo on CPU)')
    print(f'one process: {t_single:.1f} s; {args.nproc} ranks: '
          f'{t_dist:.1f} s; ratio {result["speedup"]:.2f}x')
    print(f'{args.nproc}-rank CSV identical to one process: {dist_same}')
    print(f'killed with {done_at_kill} of {num_rows} rows journalled '
          f'(before the merge: {killed_early}); resume said so: {said} '
          f'({found.group(0) if found else "no resume line"}); '
          f'resumed in {t_resume:.1f} s; CSV identical: {resumed_same}; '
          f'journals left: {len(leftovers)}')
    ok = dist_same and resumed_same and said and killed_early and \
        not leftovers
    print('OK' if ok else 'MISMATCH')
    if not ok:
        sys.exit(1)
    return result


if __name__ == '__main__':
    main()
