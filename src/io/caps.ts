import { CapError, InputError, ModelFormatError } from '../core/errors.js';
import { scanJson, type Json, type JsonLimits } from './json.js';

/**
 * The readers' limits, in one place: each reader applies them, and each writer checks what it is
 * about to write against the same constants, so a file that saves also loads (RELIABILITY R4,
 * R13–R17). The native container's byte, tensor and element caps are DEFAULT_LIMITS (container.ts).
 */

/** Most layers a native file or a TF.js model.json may hold. */
export const MAX_LAYERS = 10_000;

/** The native header's JSON limits (nesting, values). */
export const HEADER_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxNodes: 5_000_000 };

/** The JSON limits of an export's metadata read back as JSON: an ONNX metadata value, TF.js's preprocessing.json. */
export const METADATA_JSON_LIMITS: JsonLimits = { maxDepth: 20, maxNodes: 1_000_000 };

/** What the ONNX reader accepts; the exporter checks its graph against these before encoding. */
export const ONNX_CAPS = {
  /** Nodes in the graph (also initializers): the reader counts repeated fields before reading them. */
  maxNodes: 10_000,
  /** Graph inputs and outputs. */
  maxValueInfos: 10_000,
  /** metadata_props entries. */
  maxMetadataProps: 10_000,
  /** Bytes of one metadata value (the schema and pipeline JSON). */
  maxMetadataValueBytes: 10_000_000,
  /** Bytes of a metadata key, a node name, a graph name, a value name. */
  maxNameBytes: 1000,
  /** Bytes of a string in a repeated string field (node inputs and outputs, string attributes). */
  maxStringBytes: 10_000,
  /** Values of a repeated attribute (floats, ints, strings). */
  maxAttributeValues: 100_000,
} as const;

/** What the TF.js reader accepts; the exporter checks model.json against these before writing. */
export const TFJS_CAPS = {
  maxLayers: MAX_LAYERS,
  /** Bytes of model.json (as the native header's cap). */
  maxJsonBytes: 32 * 2 ** 20,
  json: { maxDepth: 64, maxNodes: 2_000_000 } satisfies JsonLimits,
  /** Characters of a layer name. */
  maxLayerNameChars: 200,
  /** Bytes of preprocessing.json, the pipeline beside model.json (as the native header's cap). */
  maxPipelineBytes: 32 * 2 ** 20,
} as const;

/**
 * Throws a CapError when `actual` exceeds the reader's `limit`: `what` names the thing counted
 * ("ONNX graph nodes"), `cap` the limit's name. Called by writers before anything is written.
 */
export function checkCap(what: string, cap: string, actual: number, limit: number): void {
  if (actual <= limit) return;
  throw new CapError(`cannot save: ${what} would be ${actual}, over the reader's ${cap} of ${limit}; the file would not load, so nothing was written`, cap, limit, actual);
}

/** The writer's side of a JSON reader's limits: nesting and value count of what is about to be written. */
export function checkJsonCaps(value: Json, what: string, limits: JsonLimits): void {
  const problem = scanJson(value, limits);
  if (problem === 'nodes') throw new CapError(`cannot save: ${what} holds more than ${limits.maxNodes} JSON values, the reader's maxNodes; the file would not load, so nothing was written`, 'maxNodes', limits.maxNodes, limits.maxNodes + 1);
  if (problem === 'depth') throw new CapError(`cannot save: ${what} is nested deeper than the reader's maxDepth of ${limits.maxDepth}; the file would not load, so nothing was written`, 'maxDepth', limits.maxDepth, limits.maxDepth + 1);
}

/**
 * Runs a reader's own check on what a writer is about to write (R4, R33): the reader's refusal
 * (ModelFormatError naming the field) becomes the writer's InputError, before anything is written.
 */
export function checkAsReader(check: () => void): void {
  try {
    check();
  } catch (e) {
    if (e instanceof ModelFormatError) throw new InputError(`cannot save: ${e.message}; the file would not load`);
    throw e;
  }
}
