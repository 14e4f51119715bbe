#!/usr/bin/env node
// Writes public/models/face_detection_short_range.tflite: the BlazeFace short-range model from
// @mediapipe/face_detection with TFLite metadata added. tasks-vision's FaceDetector refuses the
// model as shipped ("requires specifying NormalizationOptions"), see DESIGN §4.
//
// The patched file is: [new root + "TFL3"][new Model table, new buffers/metadata vectors, the
// metadata buffer][original file bytes, padded to 16]. Uoffsets only point forward, so every
// original table keeps its relative offsets; the new Model table reuses the original
// operator_codes/subgraphs/buffers by reference. Idempotent: always starts from node_modules.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as flatbuffers from 'flatbuffers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const SOURCE = require.resolve('@mediapipe/face_detection/face_detection_short_range.tflite');
const TARGET = join(root, 'public', 'models', 'face_detection_short_range.tflite');
const METADATA_NAME = 'TFLITE_METADATA';

// Slots (field index) from tensorflow/lite/schema/schema.fbs and metadata_schema.fbs.
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 };
const MODEL_FIELD_COUNT = 8;
const SUBGRAPH = { inputs: 1, outputs: 2 };
const CONTENT_PROPERTIES_IMAGE = 2;
const COLOR_SPACE_RGB = 1;
const PROCESS_UNIT_NORMALIZATION = 1;

class PrepareError extends Error {}

/** Minimal read-only view over a flatbuffer table; positions are absolute in the file. */
class TableReader {
  constructor(bb, pos) {
    this.bb = bb;
    this.pos = pos;
    this.vtable = pos - bb.readInt32(pos);
    this.vtableSize = bb.readUint16(this.vtable);
  }
  static root(bytes) {
    const bb = new flatbuffers.ByteBuffer(bytes);
    return new TableReader(bb, bb.readUint32(0));
  }
  fieldCount() {
    return (this.vtableSize - 4) / 2;
  }
  has(slot) {
    return this.fieldOffset(slot) !== 0;
  }
  fieldOffset(slot) {
    const vo = 4 + 2 * slot;
    return vo < this.vtableSize ? this.bb.readUint16(this.vtable + vo) : 0;
  }
  uint32(slot, fallback = 0) {
    const o = this.fieldOffset(slot);
    return o ? this.bb.readUint32(this.pos + o) : fallback;
  }
  /** Absolute position of the object (string, vector, table) the field points to. */
  target(slot) {
    const o = this.fieldOffset(slot);
    if (!o) return null;
    const at = this.pos + o;
    return at + this.bb.readUint32(at);
  }
  vectorLength(slot) {
    const v = this.target(slot);
    return v === null ? 0 : this.bb.readUint32(v);
  }
  /** Absolute positions of the tables in a vector-of-tables field. */
  tables(slot) {
    const v = this.target(slot);
    if (v === null) return [];
    const n = this.bb.readUint32(v);
    const out = [];
    for (let i = 0; i < n; i++) {
      const at = v + 4 + 4 * i;
      out.push(at + this.bb.readUint32(at));
    }
    return out;
  }
  table(slot) {
    const t = this.target(slot);
    return t === null ? null : new TableReader(this.bb, t);
  }
  string(slot) {
    const s = this.target(slot);
    if (s === null) return null;
    const n = this.bb.readUint32(s);
    return new TextDecoder().decode(this.bb.bytes().subarray(s + 4, s + 4 + n));
  }
  floats(slot) {
    const v = this.target(slot);
    if (v === null) return [];
    const n = this.bb.readUint32(v);
    return Array.from({ length: n }, (_, i) => this.bb.readFloat32(v + 4 + 4 * i));
  }
}

function floatVector(b, values) {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
  return b.endVector();
}

function offsetVector(b, offsets) {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

function emptyTensorMetadata(b, name) {
  const n = b.createString(name);
  b.startObject(7);
  b.addFieldOffset(0, n, 0);
  return b.endObject();
}

function buildMetadata(outputCount) {
  const b = new flatbuffers.Builder(1024);

  b.startObject(2); // ImageProperties
  b.addFieldInt8(0, COLOR_SPACE_RGB, 0);
  const imageProperties = b.endObject();
  b.startObject(3); // Content
  b.addFieldInt8(0, CONTENT_PROPERTIES_IMAGE, 0);
  b.addFieldOffset(1, imageProperties, 0);
  const content = b.endObject();

  const mean = floatVector(b, [127.5]);
  const std = floatVector(b, [127.5]);
  b.startObject(2); // NormalizationOptions
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const normalization = b.endObject();
  b.startObject(2); // ProcessUnit
  b.addFieldInt8(0, PROCESS_UNIT_NORMALIZATION, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  const processUnits = offsetVector(b, [processUnit]);

  const max = floatVector(b, [1]);
  const min = floatVector(b, [-1]);
  b.startObject(2); // Stats
  b.addFieldOffset(0, max, 0);
  b.addFieldOffset(1, min, 0);
  const stats = b.endObject();

  const inputName = b.createString('image');
  b.startObject(7); // TensorMetadata
  b.addFieldOffset(0, inputName, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, processUnits, 0);
  b.addFieldOffset(5, stats, 0);
  const input = b.endObject();

  const outputs = Array.from({ length: outputCount }, (_, i) => emptyTensorMetadata(b, `output_${i}`));
  const inputVec = offsetVector(b, [input]);
  const outputVec = offsetVector(b, outputs);
  b.startObject(5); // SubGraphMetadata
  b.addFieldOffset(2, inputVec, 0);
  b.addFieldOffset(3, outputVec, 0);
  const subgraph = b.endObject();
  const subgraphs = offsetVector(b, [subgraph]);

  const name = b.createString('BlazeFace short range');
  const parserVersion = b.createString('1.0.0');
  b.startObject(8); // ModelMetadata
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(7, parserVersion, 0);
  const metadata = b.endObject();
  b.finish(metadata, 'M001');
  return b.asUint8Array();
}

function patchModel(original) {
  if (original.length < 8 || new TextDecoder().decode(original.subarray(4, 8)) !== 'TFL3') {
    throw new PrepareError(`${SOURCE} is not a TFLite flatbuffer (no TFL3 identifier)`);
  }
  const model = TableReader.root(original);
  if (model.fieldCount() > MODEL_FIELD_COUNT) {
    throw new PrepareError(`Model table has ${model.fieldCount()} fields; this script knows ${MODEL_FIELD_COUNT}`);
  }
  const subgraphs = model.tables(MODEL.subgraphs);
  if (subgraphs.length !== 1) throw new PrepareError(`expected 1 subgraph, found ${subgraphs.length}`);
  const subgraph = new TableReader(model.bb, subgraphs[0]);
  const inputCount = subgraph.vectorLength(SUBGRAPH.inputs);
  const outputCount = subgraph.vectorLength(SUBGRAPH.outputs);
  if (inputCount !== 1) throw new PrepareError(`expected 1 input tensor, found ${inputCount}`);

  const oldBuffers = model.tables(MODEL.buffers);
  for (const pos of oldBuffers) {
    // Buffers stored outside the flatbuffer (offset/size, >2 GB models) are addressed from the
    // start of the file and would move; this small model has none.
    if (new TableReader(model.bb, pos).has(1)) throw new PrepareError('model uses external buffer offsets');
  }
  const oldMetadata = model.tables(MODEL.metadata).filter((pos) => new TableReader(model.bb, pos).string(0) !== METADATA_NAME);

  const metadataBytes = buildMetadata(outputCount);

  // Pad the original so its length is a multiple of 16; then a 16-aligned prefix keeps every
  // original position's alignment (Buffer.data is force_align 16).
  const paddedLength = Math.ceil(original.length / 16) * 16;
  const padded = new Uint8Array(paddedLength);
  padded.set(original);

  const b = new flatbuffers.Builder(paddedLength + metadataBytes.length + 1024);
  b.startVector(1, paddedLength, 16);
  b.bb.bytes().set(padded, (b.space -= paddedLength));
  b.endVector();
  // Builder offsets count from the buffer's end, and the original bytes sit at the very end.
  const ref = (pos) => paddedLength - pos;

  b.startVector(1, metadataBytes.length, 16);
  b.bb.bytes().set(metadataBytes, (b.space -= metadataBytes.length));
  const metadataData = b.endVector();
  b.startObject(3); // Buffer
  b.addFieldOffset(0, metadataData, 0);
  const metadataBuffer = b.endObject();
  const buffers = offsetVector(b, [...oldBuffers.map(ref), metadataBuffer]);

  const metadataName = b.createString(METADATA_NAME);
  b.startObject(2); // Metadata
  b.addFieldOffset(0, metadataName, 0);
  b.addFieldInt32(1, oldBuffers.length, -1);
  const metadataEntry = b.endObject();
  const metadataVec = offsetVector(b, [...oldMetadata.map(ref), metadataEntry]);

  b.startObject(MODEL_FIELD_COUNT);
  b.addFieldInt32(MODEL.version, model.uint32(MODEL.version), -1);
  for (const slot of [MODEL.operatorCodes, MODEL.subgraphs, MODEL.description, MODEL.metadataBuffer, MODEL.signatureDefs]) {
    const pos = model.target(slot);
    if (pos !== null) b.addFieldOffset(slot, ref(pos), 0);
  }
  b.addFieldOffset(MODEL.buffers, buffers, 0);
  b.addFieldOffset(MODEL.metadata, metadataVec, 0);
  const newModel = b.endObject();
  b.prep(16, 0);
  b.finish(newModel, 'TFL3');
  const out = b.asUint8Array();
  if ((out.length - paddedLength) % 16 !== 0) throw new PrepareError('prefix is not 16-byte aligned');
  return out;
}

/** Re-reads the patched file the way MediaPipe's metadata extractor does, and checks it. */
function verify(bytes, original) {
  const model = TableReader.root(bytes);
  const entries = model.tables(MODEL.metadata).map((pos) => new TableReader(model.bb, pos));
  const entry = entries.find((e) => e.string(0) === METADATA_NAME);
  if (!entry) throw new PrepareError('patched model has no TFLITE_METADATA entry');
  const buffer = new TableReader(model.bb, model.tables(MODEL.buffers)[entry.uint32(1)]);
  const dataPos = buffer.target(0);
  const data = bytes.subarray(dataPos + 4, dataPos + 4 + model.bb.readUint32(dataPos));
  if ((dataPos + 4) % 16 !== 0) throw new PrepareError('metadata buffer is not 16-byte aligned');
  if (new TextDecoder().decode(data.subarray(4, 8)) !== 'M001') throw new PrepareError('metadata lacks the M001 identifier');

  const meta = TableReader.root(data);
  const sub = new TableReader(meta.bb, meta.tables(3)[0]);
  const input = new TableReader(meta.bb, sub.tables(2)[0]);
  const content = input.table(3);
  if (content?.bb.readInt8(content.pos + content.fieldOffset(0)) !== CONTENT_PROPERTIES_IMAGE) throw new PrepareError('input content is not ImageProperties');
  const unit = new TableReader(meta.bb, input.tables(4)[0]);
  const norm = unit.table(1);
  const mean = norm?.floats(0) ?? [];
  const std = norm?.floats(1) ?? [];
  if (mean[0] !== 127.5 || std[0] !== 127.5) throw new PrepareError(`bad NormalizationOptions ${mean} / ${std}`);
  const stats = input.table(5);
  if (stats?.floats(0)[0] !== 1 || stats?.floats(1)[0] !== -1) throw new PrepareError('bad Stats');
  const outputs = sub.vectorLength(3);

  // The original graph must still be reachable unchanged through the new root.
  const originalModel = TableReader.root(original);
  const newSubgraph = new TableReader(model.bb, model.tables(MODEL.subgraphs)[0]);
  const oldSubgraph = new TableReader(originalModel.bb, originalModel.tables(MODEL.subgraphs)[0]);
  if (newSubgraph.vectorLength(SUBGRAPH.outputs) !== oldSubgraph.vectorLength(SUBGRAPH.outputs) || outputs !== oldSubgraph.vectorLength(SUBGRAPH.outputs)) {
    throw new PrepareError('output tensor count changed');
  }
  const oldBuffers = originalModel.tables(MODEL.buffers);
  const newBuffers = model.tables(MODEL.buffers);
  for (let i = 0; i < oldBuffers.length; i++) {
    const a = new TableReader(originalModel.bb, oldBuffers[i]);
    const c = new TableReader(model.bb, newBuffers[i]);
    if (a.vectorLength(0) !== c.vectorLength(0)) throw new PrepareError(`buffer ${i} changed`);
    const pa = a.target(0);
    const pc = c.target(0);
    if (pa !== null && pc !== null && pa % 16 !== pc % 16) throw new PrepareError(`buffer ${i} lost its alignment`);
  }
  return { outputs, mean: mean[0], std: std[0], buffers: newBuffers.length };
}

function main() {
  let original;
  try {
    original = new Uint8Array(readFileSync(SOURCE));
  } catch (error) {
    throw new PrepareError(`cannot read ${SOURCE}: ${error.message} (is @mediapipe/face_detection installed?)`);
  }
  const patched = patchModel(original);
  const summary = verify(patched, original);
  // Write only when the content differs: `npm start` runs this before every start, and a rewrite
  // (new mtime) under a running server, or in front of the build check, is a change for nothing.
  let current = null;
  try {
    current = readFileSync(TARGET);
  } catch {
    /* missing: written below */
  }
  if (current && Buffer.compare(current, Buffer.from(patched)) === 0) {
    console.log(`prepare-browser-models: ${TARGET.slice(root.length + 1)} up to date (${patched.length} bytes)`);
    return;
  }
  mkdirSync(dirname(TARGET), { recursive: true });
  const tmp = `${TARGET}.tmp`;
  writeFileSync(tmp, patched);
  renameSync(tmp, TARGET);
  verify(new Uint8Array(readFileSync(TARGET)), original);
  console.log(
    `prepare-browser-models: wrote ${TARGET.slice(root.length + 1)} (${patched.length} bytes; ` +
      `NormalizationOptions mean ${summary.mean} std ${summary.std}, ${summary.outputs} output tensors, metadata in buffer ${summary.buffers - 1})`,
  );
}

try {
  main();
} catch (error) {
  console.error(`prepare-browser-models: FAILED: ${error instanceof PrepareError ? error.message : error?.stack ?? error}`);
  process.exit(1);
}
