"""Time the command line's start: `behemoth --help` and every subcommand's `--help`, each in a fresh process.

Run: python benchmarks/bench_cli.py [--repeat 5]
Prints a markdown table (median and best of --repeat runs, wall seconds). Target (issue): under 1 s each.
Only the subcommand being run builds its flags, and torch is imported on first use, so help imports what it shows.
"""
import argparse, statistics, subprocess, sys, time

CASES = [[], ['world'], ['probes'], ['edits'], ['corpus'], ['generate'], ['demo'], ['train'], ['edit'], ['edit', '--method', 'memit'],
         ['edit', '--objective', 'npo'], ['methods'], ['oracle'], ['evaluate'], ['run'], ['diff']]

def once(args)->float:
    t = time.perf_counter()
    subprocess.run([sys.executable, '-m', 'behemoth.cli', *args, '--help'], check=True, capture_output=True)
    return time.perf_counter() - t

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeat', type=int, default=5)
    n = ap.parse_args().repeat
    base = [once([]) for _ in range(2)]   # warm the file cache
    t = time.perf_counter(); subprocess.run([sys.executable, '-c', 'pass'], check=True); bare = time.perf_counter() - t
    print(f"python start-up alone: {bare:.2f} s\n\n| command | median s | best s | under 1 s |\n|---|---|---|---|")
    for args in CASES:
        ts = [once(args) for _ in range(n)]
        print(f"| behemoth {' '.join(args + ['--help'])} | {statistics.median(ts):.2f} | {min(ts):.2f} | {'yes' if statistics.median(ts) < 1 else 'NO'} |")

if __name__ == '__main__': main()
