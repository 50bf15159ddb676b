"""Time `behemoth run --shard seeds` against the same notebook run whole, from a warm base cache.

Run: python benchmarks/bench_shard.py [--seeds 0 1 2] [--jobs 2]
Runs exp02 (edit scope) at its smoke size with `--seeds` and two scopes: once whole (one job), once sharded on seeds
(`--jobs` jobs at once, then the notebook whole reading the shards' runs back), each from a fresh run store but the
same trained bases (trained first, untimed), one torch thread a job. Prints a markdown table: wall seconds, the runs
the last job computed and read back, and whether the two give the same numbers (`behemoth diff`, timings aside).
On a machine with as many cores as jobs the shards run side by side; the last job only reads runs back and draws.
"""
import argparse, json, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(out: Path, cache: Path, seeds: list, *more) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, '-m', 'behemoth.cli', 'run', 'nbs/experiments/exp02_scope.ipynb', '-p', f'seeds={seeds}',
                    '-p', 'editors=[{scope: mlp}, {scope: attn}]', '--threads', '1', '--quiet', '--out', str(out),
                    '--figures', str(out / 'fig'), '--cache', str(cache), *more], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--jobs', type=int, default=2)
    a = ap.parse_args()
    from behemoth.runner import diff_results
    import pandas as pd
    with tempfile.TemporaryDirectory() as t:
        t = Path(t)
        run(t / 'warm', t / 'models', a.seeds)                      # trains the bases; a plain run stores no edit run
        whole = run(t / 'whole', t / 'models', a.seeds)
        sharded = run(t / 'sharded', t / 'models', a.seeds, '--shard', 'seeds', '--jobs', str(a.jobs))
        meta = json.loads((t / 'sharded' / 'summary.json').read_text())['exp02_scope']
        same = len(diff_results(pd.read_csv(t / 'whole' / 'results.csv'), pd.read_csv(t / 'sharded' / 'results.csv'))) == 0
        shard_s = [s['seconds'] for s in meta['shards']]
    print(f"exp02 smoke, seeds {a.seeds}, 2 scopes, 1 thread a job, bases cached\n")
    print("| run | wall s | shards (s each) | last job: runs computed / read back | same numbers |\n|---|---|---|---|---|")
    print(f"| whole, 1 job | {whole:.0f} | – | – | – |")
    print(f"| --shard seeds, {a.jobs} jobs | {sharded:.0f} | {len(shard_s)} ({', '.join(f'{s:.0f}' for s in shard_s)}) | "
          f"{meta['runs']['computed']} / {meta['runs']['reused']} | {'yes' if same else 'NO'} |")


if __name__ == '__main__': main()
