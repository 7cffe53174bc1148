#!/usr/bin/env node
// Runs an ONNX model through ONNX Runtime (onnxruntime-node, CPU) and writes
// its outputs as .npy: the reference every Zhongyuan result is checked against.
//
// usage: node ort_reference.js MODEL.onnx --output-dir DIR [--input NAME=FILE.npy]...
//                              [--threads N] [--runs R] [--json FILE] [--profile FILE]
// With --runs, it also times R runs after one warm-up and prints the median.
// With --profile FILE, ONNX Runtime's profiler records every node of every run
// (Chrome trace JSON) into FILE (bench/compare_layers.py reads it).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array], '|i1': ['int8', Int8Array],
  '|u1': ['uint8', Uint8Array], '<i2': ['int16', Int16Array], '<u2': ['uint16', Uint16Array],
  '<i4': ['int32', Int32Array], '<u4': ['uint32', Uint32Array], '<i8': ['int64', BigInt64Array],
  '<u8': ['uint64', BigUint64Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const [type, Ctor] = DTYPES[descr] || [];
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const off = start + hlen;
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(off, off + count * Ctor.BYTES_PER_ELEMENT);
  const data = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return new ort.Tensor(type, type === 'bool' ? Uint8Array.from(data) : data, shape);
}

function writeNpy(file, tensor) {
  const descr = Object.keys(DTYPES).find(k => DTYPES[k][0] === tensor.type);
  if (!descr) throw new Error(`cannot write dtype ${tensor.type}`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const args = process.argv.slice(2);
  let model = null, outDir = null, threads = 1, runs = 0, json = null, profile = null;
  const inputs = {};
  for (let i = 0; i < args.length; ++i) {
    const a = args[i];
    if (a === '--output-dir') outDir = args[++i];
    else if (a === '--input') { const [n, f] = args[++i].split('='); inputs[n] = f; }
    else if (a === '--threads') threads = Number(args[++i]);
    else if (a === '--runs') runs = Number(args[++i]);
    else if (a === '--json') json = args[++i];
    else if (a === '--profile') profile = args[++i];
    else model = a;
  }
  if (!model) { console.error('usage: ort_reference.js MODEL.onnx --output-dir DIR [--input NAME=FILE.npy]...'); process.exit(2); }
  const profileDir = profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'ortprof-')) : null;
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    ...(profileDir ? { enableProfiling: true, profileFilePrefix: path.join(profileDir, 'p') } : {}),
  });
  const feeds = {};
  for (const name of session.inputNames) {
    if (!inputs[name]) throw new Error(`no data for input '${name}' (give --input ${name}=FILE.npy)`);
    feeds[name] = readNpy(inputs[name]);
  }
  const results = await session.run(feeds);
  if (outDir) {
    fs.mkdirSync(outDir, { recursive: true });
    session.outputNames.forEach((n, i) => writeNpy(path.join(outDir, `output_${i}.npy`), results[n]));
  }
  if (runs > 0) {
    const times = [];
    for (let r = 0; r < runs; ++r) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`ort median ${median.toFixed(3)} ms over ${runs} runs (${threads} thread${threads === 1 ? '' : 's'})`);
    if (json) fs.writeFileSync(json, JSON.stringify({ median_ms: median, times_ms: times }));
  }
  if (profile) {  // endProfiling writes the file under the prefix and does not say its name
    session.endProfiling();
    const file = fs.readdirSync(profileDir).find(f => f.endsWith('.json'));
    if (!file) throw new Error('ONNX Runtime wrote no profile');
    fs.copyFileSync(path.join(profileDir, file), profile);
  }
}

main().catch(e => { console.error(`ort_reference: ${e.message}`); process.exit(1); });
