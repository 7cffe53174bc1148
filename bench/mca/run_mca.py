#!/usr/bin/env python3
"""Kernel quality without ARM hardware: each ARM microkernel's inner loop,
compiled for aarch64 as the build compiles it, through llvm-mca-19 for
Kunpeng 920's core (-mcpu=tsv110) and Cortex-A76. Prints the cycles per
iteration and the share of the vector multiply-accumulate pipes the loop
keeps busy: (multiply-accumulates / pipes) / cycles. Both cores issue two
128-bit FMLA or SDOT per cycle. LLVM 19 has no Cortex-A76 model of its own:
-mcpu=cortex-a76 schedules with Cortex-A57's (64-bit FP pipes, a 128-bit FMLA
takes two cycles), so its shares are a lower bound.

usage: run_mca.py [--out FILE.md]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# I8MM is ARMv8.6: neither Kunpeng 920 nor Cortex-A76 has it, so its kernel is
# scheduled for a core that does (Neoverse N2: two 128-bit smmla per cycle).
I8MM_CPUS = {"neoverse-n2": 2}
KERNELS = [  # name, source, the vector multiply(-accumulate) mnemonics, scalar multiply-adds per loop iteration
    ("f32-gemm/neon-8x8", "backends/arm/kernels/f32_gemm_neon.cc", ("fmla",), 8 * 8),
    ("f16-gemm/neonfp16arith-8x16", "backends/arm/kernels/f16_gemm_neon.cc", ("fmla",), 8 * 16),
    ("qs8-gemm/neoni8mm-8x8", "backends/arm/kernels/qs8_gemm_i8mm.cc", ("smmla",), 8 * 8 * 8),
    ("qs8-gemm/neondot-8x12", "backends/arm/kernels/qs8_gemm_neon.cc", ("sdot",), 8 * 12 * 4),
    ("qs8-gemm/neon-4x4 (smull + sadalp)", "backends/arm/kernels/qs8_gemm_neon.cc", ("smull", "sadalp"), 4 * 4 * 4),
]
CPUS = {"tsv110": 2, "cortex-a76": 2}  # 128-bit FMLA/SDOT issued per cycle
FLAGS = ["-O3", "-std=gnu++17", "-S", "-o", "-"] + ["-I" + os.path.join(ROOT, d) for d in
                                                     ("runtime/src", "runtime/include", "backends/arm", "backends/common")]


def inner_loop(asm, mnemonic):
    """The loop body (label to the branch back to it) with the most `mnemonic`
    instructions, the shortest such (the innermost loop, not one around it)."""
    lines = [l.strip() for l in asm.splitlines()]
    best = []
    for i, l in enumerate(lines):
        m = re.match(r"^(\.L\w+):$", l)
        if not m:
            continue
        for j in range(i + 1, min(len(lines), i + 400)):
            if re.match(r"^b(\.?[a-z]{2})?\s+" + re.escape(m.group(1)) + "$", lines[j]) or re.match(
                    r"^(cbnz|cbz|tbnz|tbz)\s+.*" + re.escape(m.group(1)) + "$", lines[j]):
                body = [x for x in lines[i + 1:j + 1] if x and not x.startswith(".") and not x.endswith(":")]
                count, best_count = sum(x.startswith(mnemonic) for x in body), sum(x.startswith(mnemonic) for x in best)
                if count > best_count or (count == best_count and count > 0 and len(body) < len(best)):
                    best = body
                break
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    a = ap.parse_args()
    rows = ["| kernel | core | vector MAC instructions per iteration | cycles per iteration | pipe utilization | "
            "multiply-adds per cycle | spills in the loop |", "|---|---|---|---|---|---|---|"]
    for name, src, mnemonics, scalar_macs in KERNELS:
        asm = subprocess.run(["aarch64-linux-gnu-g++"] + FLAGS + [os.path.join(ROOT, src)], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        loop = inner_loop(asm, mnemonics[-1])
        macs = sum(x.startswith(mnemonics) for x in loop)
        spills = sum(bool(re.search(r"\[sp", x)) for x in loop)
        with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
            f.write("\n".join(loop) + "\n")
        for cpu, pipes in (I8MM_CPUS if "i8mm" in name else CPUS).items():
            out = subprocess.run(["llvm-mca-19", "-mtriple=aarch64", f"-mcpu={cpu}", "-mattr=+dotprod,+fullfp16,+i8mm", "-iterations=1000", f.name],
                                 check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
            cycles = int(re.search(r"Total Cycles:\s+(\d+)", out).group(1)) / 1000.0
            util = macs / pipes / cycles
            rows.append(f"| {name} | {cpu} | {macs} | {cycles:.2f} | {util:.0%} | {scalar_macs / cycles:.1f} | {spills} |")
        os.unlink(f.name)
    text = "\n".join(rows)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
