#!/usr/bin/env python3
"""The arithmetic of the benchmark scripts (lib.sh, fleet.sh, agent.sh, e2e.sh).

  report.py tree-cpu PID [--self]   CPU seconds of PID's descendants (and PID's own)
  report.py named-cpu NAME          CPU seconds of every process whose name starts with NAME
  report.py percentiles JSON        "p50 ms (p95)" of a hyperfine export
  report.py median JSON             "median ms (mean … ± σ)" of a hyperfine export
  report.py ratio JSON JSON         the first export's median ÷ the second's, to 2 places
  report.py fleet ROWS TITLE        fleet.sh's table of one set
  report.py commands ROWS MODE…     e2e.sh: azlin commands (labels "command|mode") × modes
  report.py peers AZLIN_ROWS ROWS   e2e.sh: azlin's fan-out beside the peers, with ratios
  report.py table ROWS [--ratio-to-last]  e2e.sh: p50, p95, mean per row (÷ the last row's p50)
  report.py rss FILE                e2e.sh: peak RSS (label, kB per line)
  report.py requests FILE           e2e.sh: ARM requests (label, VMs, stats before, after)

A ROWS file has one line per hyperfine set, as lib.sh's time_set writes it:
label, JSON export, sshd CPU per run (s), extra CPU per run (s, e.g. the
agent's), and the machine's state before the set, tab-separated.
"""

import json
import os
import sys


def process_stats():
    """(name, parent pid, utime+stime+cutime+cstime ticks) of every process, by pid."""
    stats = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            head, rest = open(f"/proc/{pid}/stat").read().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        name = head.split("(", 1)[1]
        stats[int(pid)] = (name, int(fields[1]), sum(int(field) for field in fields[11:15]))
    return stats


def named_cpu(prefix):
    """CPU seconds of the processes whose name starts with prefix (daemons such as
    tmux servers leave the tree that started them)."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(cpu for name, _, cpu in process_stats().values() if name.startswith(prefix)) / ticks


def tree_cpu(root, with_self):
    """utime+stime+cutime+cstime of every process below root (and root's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats = {pid: (ppid, cpu) for pid, (_, ppid, cpu) in process_stats().items()}
    total = stats.get(root, (0, 0))[1] if with_self else 0
    found = [root]
    while found:
        parent = found.pop()
        for pid, (ppid, cpu) in stats.items():
            if ppid == parent:
                found.append(pid)
                total += cpu
    return total / ticks


def times(path):
    """The hyperfine result of a JSON export."""
    return json.load(open(path))["results"][0]


def pick(result, quantile):
    """The quantile of the run times, in seconds (nearest rank)."""
    ordered = sorted(result["times"])
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def ms(seconds):
    return f"{float(seconds) * 1000:.0f} ms"


def ms1(seconds):
    return f"{float(seconds) * 1000:.1f} ms"


def read_rows(path):
    """label, hyperfine result, sshd CPU, extra CPU, machine; per row of ROWS."""
    if not os.path.exists(path):
        return []
    rows = []
    for line in open(path):
        label, export, sshd, extra, machine = line.rstrip("\n").split("\t")
        rows.append((label, times(export), float(sshd), float(extra), machine))
    return rows


def client_cpu(result, extra):
    return result["user"] + result["system"] + extra


def fleet(rows_path, title):
    rows = read_rows(rows_path)
    print(f"\n{title}\n")
    print("| command | median | mean ± σ | client CPU | sshd CPU | floor | ÷ floor | machine before |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, result, sshd, extra, machine in rows:
        client = client_cpu(result, extra)
        floor = (client + sshd) / 2
        print(f"| {label} | {ms(result['median'])} | {ms(result['mean'])} ± "
              f"{result['stddev'] * 1000:.0f} | {ms(client)} | {ms(sshd)} | {ms(floor)} "
              f"| {result['median'] / floor:.2f} | {machine} |")
    batch = next(result["median"] for label, result, *_ in rows if label.startswith("`azlin batch"))
    peers = [(label, result["median"]) for label, result, *_ in rows if not label.startswith("`azlin")]
    print("\nazlin batch ÷ peer (median wall time; < 1 is faster): "
          + ", ".join(f"{label} {batch / median:.2f}" for label, median in peers))


def machine_range(rows):
    """'0–2 % busy, load 1.1–3.4' over the machine states of rows."""
    busy, load = [], []
    for *_, machine in rows:
        percent, _, rest = machine.partition(" % busy, load ")
        busy.append(int(percent))
        load.append(float(rest))
    span = lambda values, fmt: (fmt.format(min(values)) if min(values) == max(values)
                                else f"{fmt.format(min(values))}–{fmt.format(max(values))}")
    return f"{span(busy, '{}')} % busy, load {span(load, '{:.2f}')}"


def cell(result):
    """ "p50 ms (p95)" of a hyperfine result."""
    return f"{ms1(pick(result, 0.5))} ({pick(result, 0.95) * 1000:.1f})"


def e2e_commands(rows, modes):
    """The matrix of azlin commands × ways of running them."""
    print("| command | " + " | ".join(modes) + " |")
    print("| --- |" + " ---: |" * len(modes))
    commands = []
    for label, *_ in rows:
        command = label.split("|")[0]
        if command not in commands:
            commands.append(command)
    by_label = {label: result for label, result, *_ in rows}
    for command in commands:
        cells = [cell(by_label[f"{command}|{mode}"]) if f"{command}|{mode}" in by_label else "—"
                 for mode in modes]
        print(f"| {command} | " + " | ".join(cells) + " |")
    print(f"\nMachine before the sets: {machine_range(rows)}.")


def e2e_peers(azlin_rows, peer_rows):
    """azlin's fan-out beside the OpenSSH-based peers, with CPU and ratios."""
    ours = list(azlin_rows)
    batch = {label: pick(result, 0.5) for label, result, *_ in ours}
    # Each azlin row's label ends with how it ran ("…, own process").
    print("| command | p50 | p95 | client CPU | sshd CPU | floor | ÷ floor | "
          + " | ".join(f"azlin, {label.rsplit(', ', 1)[-1]} ÷ this" for label in batch)
          + " | machine before |")
    print("| --- |" + " ---: |" * (6 + len(batch)) + " --- |")
    for label, result, sshd, extra, machine in ours + peer_rows:
        client = client_cpu(result, extra)
        floor = (client + sshd) / 2
        ratios = " | ".join("—" if own == label else f"{median / pick(result, 0.5):.2f}"
                            for own, median in batch.items())
        print(f"| {label} | {ms1(pick(result, 0.5))} | {ms1(pick(result, 0.95))} | {ms(client)} "
              f"| {ms(sshd)} | {ms(floor)} | {pick(result, 0.5) / floor:.2f} | {ratios} | {machine} |")


def e2e_table(rows, ratio_to_last):
    """label, p50, p95, mean ± σ and the machine per row; p50 ÷ the last row's."""
    print("| command | p50 | p95 | mean ± σ | machine before |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, result, _, _, machine in rows:
        print(f"| {label} | {ms1(pick(result, 0.5))} | {ms1(pick(result, 0.95))} "
              f"| {ms1(result['mean'])} ± {result['stddev'] * 1000:.1f} | {machine} |")
    if ratio_to_last and len(rows) > 1:
        floor = pick(rows[-1][1], 0.5)
        print(f"\np50 ÷ {rows[-1][0]} (< 1 is faster): "
              + ", ".join(f"{label} {pick(result, 0.5) / floor:.3f}" for label, result, *_ in rows[:-1]))


def e2e_rss(path):
    print("| process | peak RSS |")
    print("| --- | ---: |")
    for line in open(path):
        label, kilobytes = line.rstrip("\n").split("\t")
        print(f"| {label} | {int(kilobytes) / 1024:.1f} MB |")


def e2e_requests(path):
    """ARM requests per command and VM count; the operations at the largest count."""
    table, counts = {}, []
    for line in open(path):
        label, vms, before, after = line.rstrip("\n").split("\t")
        before, after = json.loads(before), json.loads(after)
        diff = {name: after[name] - before.get(name, 0) for name in after
                if after[name] != before.get(name, 0)}
        table.setdefault(label, {})[int(vms)] = diff
        if int(vms) not in counts:
            counts.append(int(vms))
    print("| command | " + " | ".join(f"{vms} VMs" for vms in counts) + " |")
    print("| --- |" + " ---: |" * len(counts))
    for label, by_vms in table.items():
        cells = []
        for vms in counts:
            diff = by_vms.get(vms, {})
            arm = sum(count for name, count in diff.items() if name != "token")
            tokens = diff.get("token", 0)
            cells.append(f"{arm}" + (f" + {tokens} token" if tokens else ""))
        print(f"| {label} | " + " | ".join(cells) + " |")
    largest = counts[-1]
    print(f"\nBy operation at {largest} VMs:")
    print()
    for label, by_vms in table.items():
        diff = by_vms.get(largest, {})
        detail = ", ".join(f"{name} {count}" for name, count in sorted(diff.items())) or "none"
        print(f"- {label}: {detail}")


def main(args):
    match args:
        case ["tree-cpu", pid, *rest]:
            print(tree_cpu(int(pid), rest == ["--self"]))
        case ["named-cpu", prefix]:
            print(named_cpu(prefix))
        case ["percentiles", export]:
            print(cell(times(export)))
        case ["median", export]:
            result = times(export)
            median, mean, stddev = (result[key] * 1000 for key in ("median", "mean", "stddev"))
            print(f"{median:.1f} ms (mean {mean:.1f} ± {stddev:.1f})")
        case ["ratio", first, second]:
            print(f"{times(first)['median'] / times(second)['median']:.2f}")
        case ["fleet", rows, title]:
            fleet(rows, title)
        case ["commands", rows, *modes]:
            e2e_commands(read_rows(rows), modes)
        case ["peers", azlin_rows, peer_rows]:
            e2e_peers(read_rows(azlin_rows), read_rows(peer_rows))
        case ["table", rows, *rest]:
            e2e_table(read_rows(rows), rest == ["--ratio-to-last"])
        case ["rss", path]:
            e2e_rss(path)
        case ["requests", path]:
            e2e_requests(path)
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
