"""Turns the JSON lines of `claimex eval ner --json` runs (stdin) into the NER benchmark table and
bench/results/ner.json. Used by bench/ner.sh."""
import datetime
import json
import platform
import sys

out_path, command = sys.argv[1], sys.argv[2]
runs = [json.loads(line) for line in sys.stdin if line.strip()]
base = next(r for r in runs if r["speed"]["batch_size"] == 1 and r["speed"]["threads"] == 1)
base_speed = base["speed"]["sentences_per_s"]
first = runs[0]
print(f"model {first['model']} on {first['data']} ({first['sentences']} sentences)")
print(f"{'threads':>7} {'batch':>5} {'sent/s':>8} {'x base':>7} {'peak MiB':>9} {'F1':>7}")
table = []
for r in runs:
    s = r["speed"]
    row = {
        "threads": s["threads"],
        "batch_size": s["batch_size"],
        "sentences_per_s": round(s["sentences_per_s"], 1),
        "ratio_to_batch1_thread1": round(s["sentences_per_s"] / base_speed, 2),
        "peak_rss_mib": round(s["peak_rss_mib"]) if s["peak_rss_mib"] else None,
        "seconds": round(s["seconds"], 2),
        "f1": round(r["f1"], 4),
    }
    table.append(row)
    print(f"{row['threads']:>7} {row['batch_size']:>5} {row['sentences_per_s']:>8} "
          f"{row['ratio_to_batch1_thread1']:>7} {row['peak_rss_mib']:>9} {row['f1']:>7}")
result = {
    "model": first["model"],
    "data": first["data"],
    "sentences": first["sentences"],
    "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": platform.machine(),
    "command": command,
    "runs": table,
}
with open(out_path, "w") as f:
    json.dump(result, f, indent=1)
print(f"wrote {out_path}")
