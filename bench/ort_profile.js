#!/usr/bin/env node
// Runs an ONNX model through ONNX Runtime with its profiler on and writes the
// profile (Chrome trace JSON, one event per node and run) to OUT.json.
//
// usage: node ort_profile.js MODEL.onnx INPUT.npy OUT.json [--threads N] [--runs R]
// The input feeds the model's first input (float32 .npy).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require('onnxruntime-node');

function readNpyF32(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6], hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8), start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${file}: only float32 inputs`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const body = buf.subarray(start + hlen);
  return new ort.Tensor('float32', new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)), shape);
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1, runs = 10;
  const pos = [];
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--runs') runs = Number(args[++i]);
    else pos.push(args[i]);
  }
  if (pos.length !== 3) { console.error('usage: ort_profile.js MODEL.onnx INPUT.npy OUT.json [--threads N] [--runs R]'); process.exit(2); }
  const [model, input, out] = pos;
  const prefix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ortprof-')), 'p');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    enableProfiling: true, profileFilePrefix: prefix,
  });
  const feeds = { [session.inputNames[0]]: readNpyF32(input) };
  for (let i = 0; i < 3 + runs; ++i) await session.run(feeds);
  session.endProfiling();
  const dir = path.dirname(prefix);
  const file = fs.readdirSync(dir).find(f => f.endsWith('.json'));
  if (!file) throw new Error('ONNX Runtime wrote no profile');
  fs.copyFileSync(path.join(dir, file), out);
}

main().catch(e => { console.error(e.message); process.exit(1); });
