#!/usr/bin/env python3
"""time_runs.py RUNS LABEL -- CMD...: runs CMD RUNS times (after one warm-up run) and prints the label with the
fastest and the median wall time in milliseconds. The minimum is the figure to compare on a shared machine:
other processes only ever add time."""
import statistics, subprocess, sys, time
runs, label, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[sys.argv.index("--") + 1:]
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"{label:<34} min {min(times):7.1f} ms  median {statistics.median(times):7.1f} ms  ({runs} runs)")
