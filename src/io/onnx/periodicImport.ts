import { UnsupportedError } from '../../core/errors.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './schema.js';

/** A node as errors name it: its name (as the file gives it) and op type. */
export function where(node: OnnxNode): string {
  return `ONNX node ${JSON.stringify(node.name || '(unnamed)')} (${node.opType})`;
}

/** A periodic embedding read back from its subgraph, its tensors as the layer stores them. */
export interface FoundPeriodicEmbedding {
  kind: 'periodicEmbedding';
  node: string;
  /** Inputs n reaching the layer. */
  inputs: number;
  /** Frequencies k per embedded input, outputs d per embedded input. */
  frequencyCount: number;
  units: number;
  /** The embedded inputs, ascending. */
  columns: number[];
  includeInputs: boolean;
  /** [e, k], [e·2k, d] (input j: k cosine rows, then k sine rows), [e, d]. */
  frequencies: Float64Array;
  projection: Float64Array;
  bias: Float64Array;
  outputUnits: number;
}

/** What the recogniser took from the graph: the layer, the nodes it covers and the tensor the chain continues from. */
export interface RecognisedEmbedding {
  found: FoundPeriodicEmbedding;
  covered: ReadonlySet<OnnxNode>;
  output: string;
}

/**
 * Reads back the subgraph modelToOnnx writes for a PeriodicEmbedding (periodicEmbeddingNodes in
 * export.ts), from its phase MatMul `phase` taking the chain's tensor `x`:
 *
 *   V = x·A (A [n, e·k], 2π f_j in input j's column block) → Cos → ·C, and V → Sin → ·S,
 *   joined by Add, then Add(bias [e·d]) → Relu; when inputs pass through, x·P (P a 0/1 column
 *   picker [n, p]) is concatenated after it on axis 1.
 *
 * The structure and the block shapes decide, not node names. Gives undefined when the phase's
 * output feeds no Cos or Sin (an ordinary MatMul); any other deviation is an UnsupportedError
 * naming the node and what differs. `readers` maps each tensor to the nodes that read it (readersOf).
 */
export function recognisePeriodicEmbedding(phase: OnnxNode, x: string, readers: ReadonlyMap<string, readonly OnnxNode[]>, constants: ReadonlyMap<string, OnnxTensor>): RecognisedEmbedding | undefined {
  const v = phase.outputs[0] ?? '';
  const consumers = (tensor: string): readonly OnnxNode[] => readers.get(tensor) ?? [];
  const branches = consumers(v);
  if (!branches.some((n) => n.opType === 'Cos' || n.opType === 'Sin')) return undefined;

  const fail = (node: OnnxNode, what: string): never => {
    throw new UnsupportedError(`${where(node)}: ${what}; only the periodic embedding's subgraph as modelToOnnx writes it is supported`);
  };
  const weight = (node: OnnxNode, what: string): OnnxTensor => {
    const other = node.inputs.find((i) => i !== '' && constants.has(i));
    const t = other === undefined ? undefined : constants.get(other);
    if (t === undefined || node.inputs.length !== 2) return fail(node, `its ${what} is not a constant`);
    return t;
  };
  /** The only node reading `tensor`, of op type `op`. */
  const single = (from: OnnxNode, tensor: string, op: string, what: string): OnnxNode => {
    const c = consumers(tensor);
    if (c.length !== 1 || c[0]!.opType !== op) return fail(from, `its output feeds ${describe(c)}, expected ${what}`);
    return c[0]!;
  };
  const matmulOf = (node: OnnxNode, input: string, what: string): OnnxTensor => {
    if (node.opType !== 'MatMul' || node.inputs[0] !== input) return fail(node, `expected a MatMul of ${JSON.stringify(input)} by the ${what}`);
    const w = weight(node, what);
    if (w.dims.length !== 2) return fail(node, `its ${what} has shape [${w.dims.join(', ')}], expected 2-D`);
    return w;
  };

  // The phase V = x·A.
  const a = matmulOf(phase, x, 'frequencies');
  const [n, ek] = [a.dims[0]!, a.dims[1]!];
  const cosNode = branches.find((b) => b.opType === 'Cos');
  const sinNode = branches.find((b) => b.opType === 'Sin');
  if (branches.length !== 2 || cosNode === undefined || sinNode === undefined) return fail(phase, `its output feeds ${describe(branches)}, expected one Cos and one Sin (the fork of a periodic embedding)`);
  for (const t of [cosNode, sinNode]) if (t.inputs.length !== 1) fail(t, `takes ${JSON.stringify(t.inputs)}, expected the phase alone`);
  const cosMatMul = single(cosNode, cosNode.outputs[0]!, 'MatMul', 'one MatMul (the cosine projection)');
  const sinMatMul = single(sinNode, sinNode.outputs[0]!, 'MatMul', 'one MatMul (the sine projection)');
  const cosW = matmulOf(cosMatMul, cosNode.outputs[0]!, 'cosine projection');
  const sinW = matmulOf(sinMatMul, sinNode.outputs[0]!, 'sine projection');

  // The join: Add(cos part, sin part), then the bias, then Relu.
  const join = consumers(cosMatMul.outputs[0]!);
  const add = join[0];
  const parts = [cosMatMul.outputs[0]!, sinMatMul.outputs[0]!];
  if (join.length !== 1 || add?.opType !== 'Add' || add.inputs.length !== 2 || !parts.every((p) => add.inputs.includes(p)) || consumers(sinMatMul.outputs[0]!).length !== 1) {
    return fail(cosMatMul, `the cosine and sine branches do not join in one Add (the cosine part feeds ${describe(join)})`);
  }
  const biasAdd = single(add, add.outputs[0]!, 'Add', 'one Add (the bias)');
  if (!biasAdd.inputs.includes(add.outputs[0]!)) return fail(biasAdd, 'does not take the joined projections');
  const b = weight(biasAdd, 'bias');
  const relu = single(biasAdd, biasAdd.outputs[0]!, 'Relu', 'one Relu');

  // The blocks: each column of A reads one input; runs of the same input are the embedded inputs.
  const rowOf = new Int32Array(ek).fill(-1);
  for (let c = 0; c < ek; c++) {
    for (let r = 0; r < n; r++) {
      if (a.data[r * ek + c] === 0) continue;
      if (rowOf[c] !== -1) return fail(phase, `column ${c} of its frequencies reads inputs ${rowOf[c]} and ${r}; each frequency of a periodic embedding reads one input`);
      rowOf[c] = r;
    }
  }
  const columns: number[] = [];
  for (const r of rowOf) if (r !== -1 && r !== columns[columns.length - 1]) columns.push(r);
  const e = columns.length;
  if (e === 0) return fail(phase, 'its frequencies are all zero; the embedded inputs cannot be told');
  if (columns.some((c, i) => i > 0 && c <= columns[i - 1]!)) return fail(phase, `its frequency blocks read inputs [${columns.join(', ')}], not ascending ones`);
  if (ek % e !== 0) return fail(phase, `its ${ek} frequency columns do not split into ${e} equal blocks (one per embedded input)`);
  const k = ek / e;
  for (let c = 0; c < ek; c++) {
    const j = Math.floor(c / k);
    if (rowOf[c] !== -1 && rowOf[c] !== columns[j]) return fail(phase, `frequency column ${c} reads input ${rowOf[c]}, outside the block of input ${columns[j]} (columns ${j * k}–${j * k + k - 1})`);
  }
  for (let j = 0; j < e; j++) {
    if (!rowOf.subarray(j * k, j * k + k).some((r) => r !== -1)) return fail(phase, `frequency block ${j} (columns ${j * k}–${j * k + k - 1}) is all zero`);
  }

  // The projections: [e·k, e·d], zero outside the diagonal blocks [k, d].
  for (const [node, w] of [[cosMatMul, cosW], [sinMatMul, sinW]] as const) {
    if (w.dims[0] !== ek || w.dims[1]! % e !== 0 || w.dims[1] !== cosW.dims[1]) {
      return fail(node, `its weight has shape [${w.dims.join(', ')}], expected [${ek}, ${e}·d] for ${e} embedded inputs of ${k} frequencies`);
    }
  }
  const ed = cosW.dims[1]!;
  const d = ed / e;
  for (const [node, w] of [[cosMatMul, cosW], [sinMatMul, sinW]] as const) {
    for (let t = 0; t < ek; t++) {
      for (let o = 0; o < ed; o++) {
        const value = w.data[t * ed + o]!;
        if (value !== 0 && Math.floor(t / k) !== Math.floor(o / d)) {
          return fail(node, `its weight holds ${value} at row ${t}, column ${o}, outside the diagonal blocks of ${k} rows × ${d} columns (one per embedded input); a periodic embedding's projection is block-diagonal`);
        }
      }
    }
  }
  if (b.data.length !== ed || b.dims.some((s, i) => s !== 1 && i !== b.dims.length - 1)) return fail(biasAdd, `its bias has shape [${b.dims.join(', ')}], expected [${ed}]`);

  // Passed-through inputs: x·P concatenated after the Relu.
  const covered = new Set([phase, cosNode, sinNode, cosMatMul, sinMatMul, add, biasAdd, relu]);
  let output = relu.outputs[0]!;
  const others = consumers(x).filter((c) => c !== phase);
  let passed: number[] = [];
  const concat = consumers(output).find((c) => c.opType === 'Concat');
  if (concat !== undefined || others.length > 0) {
    const pick = others.find((c) => c.opType === 'MatMul');
    if (others.length !== 1 || pick === undefined) return fail(others[0] ?? concat!, `the periodic embedding's input also feeds ${describe(others)}, expected one MatMul selecting the inputs passed through`);
    const p = matmulOf(pick, x, 'selection');
    const joined = single(pick, pick.outputs[0]!, 'Concat', 'the Concat after the embedding');
    if (concat !== joined || joined.inputs.length !== 2 || joined.inputs[0] !== output || joined.inputs[1] !== pick.outputs[0] || consumers(output).length !== 1) {
      return fail(joined, `does not join the embedding's Relu output and then the passed inputs (it takes ${JSON.stringify(joined.inputs)})`);
    }
    if (!concatOnFeatures(joined.attributes)) return fail(joined, 'does not concatenate on the feature axis (1 or -1)');
    if (p.dims[0] !== n) return fail(pick, `its selection has ${p.dims[0]} rows but ${n} inputs reach it`);
    passed = selectedInputs(pick, p, fail);
    covered.add(pick).add(joined);
    output = joined.outputs[0]!;
  }
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !columns.includes(i));
  const all = Array.from({ length: n }, (_, i) => i);
  const includeInputs = passed.length === n && passed.length > rest.length;
  if (!includeInputs && !sameList(passed, rest)) {
    return fail(phase, `passes inputs [${passed.join(', ')}] through, but a periodic embedding passes either the ones it does not embed [${rest.join(', ')}] or all of them`);
  }
  if (includeInputs && !sameList(passed, all)) return fail(phase, `passes inputs [${passed.join(', ')}] through, not all ${n} in order`);

  // The layer's tensors: 2π f back to f; input j's projection block is its k cosine rows then k sine rows.
  const frequencies = Float64Array.from({ length: e * k }, (_, i) => a.data[columns[Math.floor(i / k)]! * ek + i]! / (2 * Math.PI));
  const projection = new Float64Array(e * 2 * k * d);
  for (let j = 0; j < e; j++) {
    for (let i = 0; i < k; i++) {
      for (let o = 0; o < d; o++) {
        projection[(j * 2 * k + i) * d + o] = cosW.data[(j * k + i) * ed + j * d + o]!;
        projection[(j * 2 * k + k + i) * d + o] = sinW.data[(j * k + i) * ed + j * d + o]!;
      }
    }
  }
  return {
    found: {
      kind: 'periodicEmbedding', node: phase.name, inputs: n, frequencyCount: k, units: d, columns, includeInputs,
      frequencies, projection, bias: Float64Array.from(b.data), outputUnits: ed + passed.length,
    },
    covered,
    output,
  };
}

/** The inputs a 0/1 column picker P [n, p] takes, in column order (each column one 1, the rest 0). */
function selectedInputs(node: OnnxNode, p: OnnxTensor, fail: (node: OnnxNode, what: string) => never): number[] {
  const [n, cols] = [p.dims[0]!, p.dims[1]!];
  const picked: number[] = [];
  for (let q = 0; q < cols; q++) {
    let row = -1;
    for (let r = 0; r < n; r++) {
      const value = p.data[r * cols + q]!;
      if (value === 0) continue;
      if (value !== 1 || row !== -1) return fail(node, `column ${q} of its selection holds ${value} at row ${r}${row !== -1 ? ` after a 1 at row ${row}` : ''}; the inputs passed through are picked by a single 1 per column`);
      row = r;
    }
    if (row === -1) return fail(node, `column ${q} of its selection is all zero; the inputs passed through are picked by a single 1 per column`);
    picked.push(row);
  }
  return picked;
}

function concatOnFeatures(attributes: readonly OnnxAttribute[]): boolean {
  const axis = attributes.find((a) => a.name === 'axis');
  return axis !== undefined && axis.kind === 'int' && (axis.value === 1 || axis.value === -1);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describe(nodes: readonly OnnxNode[]): string {
  if (nodes.length === 0) return 'nothing';
  return nodes.map((n) => `${JSON.stringify(n.name || '(unnamed)')} (${n.opType})`).join(', ');
}

/** Each tensor's readers, in node order (a node reading a tensor twice is listed once). */
export function readersOf(nodes: readonly OnnxNode[]): Map<string, OnnxNode[]> {
  const readers = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    for (const input of new Set(node.inputs)) {
      const list = readers.get(input);
      if (list === undefined) readers.set(input, [node]);
      else list.push(node);
    }
  }
  return readers;
}
