import { InputError, ShapeError } from './errors.js';

export type DType = 'float32' | 'float64';

/** The largest finite float32; a finite double beyond it becomes ±Infinity when stored as float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Why a finite double is not finite in `dtype`, or undefined when it is (RELIABILITY R5):
 * 1e39 is a double but Infinity as float32, so inputs are checked after conversion.
 */
export function overflowReason(v: number, dtype: DType): string | undefined {
  if (dtype === 'float64' || Math.abs(v) <= FLOAT32_MAX || !Number.isFinite(v)) return undefined;
  return `${v}, which overflows float32 (largest ${FLOAT32_MAX.toPrecision(3)}); scale it down or use dtype 'float64'`;
}
export type FloatArray = Float32Array | Float64Array;

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/**
 * A dense 2-D matrix, row-major, one sample per row: element (i, j) is `data[i * cols + j]`.
 * `data` may be a view on a larger buffer (its length is at least rows·cols).
 */
export class Matrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: FloatArray,
  ) {
    if (data.length < rows * cols) throw new ShapeError(`Matrix: buffer of ${data.length} cannot hold [${rows}, ${cols}]`);
  }

  /** A rows × cols matrix of zeros. */
  static zeros(rows: number, cols: number, dtype: DType = 'float32'): Matrix {
    return new Matrix(rows, cols, allocate(dtype, rows * cols));
  }

  /** Copies a number[][] (all rows the same length) into a new matrix. */
  static fromArray(rows: readonly (readonly number[])[], dtype: DType = 'float32'): Matrix {
    const n = rows.length;
    const d = n === 0 ? 0 : rows[0]!.length;
    const m = Matrix.zeros(n, d, dtype);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      if (row.length !== d) throw new ShapeError(`row ${i} has ${row.length} values, row 0 has ${d}`);
      m.data.set(row, i * d);
    }
    return m;
  }

  /** The element type: float32 or float64. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }

  /** [rows, cols]. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** The element at row i, column j (no bounds check). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  /** Sets the element at row i, column j (no bounds check). */
  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A fresh copy of row i. */
  row(i: number): number[] {
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  /** The rows as nested number arrays (a copy). */
  toArray(): number[][] {
    const out: number[][] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.row(i);
    return out;
  }

  /** A compact copy (never a view) in the given dtype. */
  clone(dtype: DType = this.dtype): Matrix {
    const m = Matrix.zeros(this.rows, this.cols, dtype);
    m.data.set(this.data.subarray(0, this.rows * this.cols));
    return m;
  }

  /** A view of the first `rows` rows, sharing this matrix's buffer. */
  topRows(rows: number): Matrix {
    return rows === this.rows ? this : new Matrix(rows, this.cols, this.data.subarray(0, rows * this.cols));
  }
}

/** What the public API accepts as a 2-D data set. */
export type MatrixLike = Matrix | readonly (ArrayLike<number>)[];

/**
 * Converts user data to a compact Matrix, rejecting what cannot be trained on: 1-D input, ragged
 * rows, 0 rows or 0 columns, NaN and ±Infinity (RELIABILITY V1, V3, V5, V14). Never mutates the
 * input. A compact Matrix already in `dtype` is used as it is (the library only reads it), so a
 * large data set is not copied a second time; anything else is copied into a new Matrix.
 */
export function toMatrix(x: unknown, what: string, dtype: DType, allowEmpty = false): Matrix {
  if (x instanceof Matrix) {
    checkFinite(x, what);
    if (!allowEmpty) checkNotEmpty(x.rows, x.cols, what);
    if (x.dtype === dtype && x.data.length === x.rows * x.cols) return x;
    const converted = x.clone(dtype);
    if (x.dtype !== dtype) checkFinite(converted, what, x);
    return converted;
  }
  if (!Array.isArray(x)) {
    throw new InputError(`${what}: expected 2-D input [n, d] as number[][] or a Matrix, got ${x === null ? 'null' : typeof x}`);
  }
  const n = x.length;
  if (n === 0) {
    if (allowEmpty) return Matrix.zeros(0, 0, dtype);
    throw new InputError(`${what}: 0 samples; need at least 1 row`);
  }
  const first: unknown = x[0];
  if (typeof first === 'number') {
    throw new InputError(`${what}: expected 2-D input [n, d], got a 1-D array of ${n} numbers; wrap a single sample as [[...]] or each value as [v]`);
  }
  if (!isArrayLikeOfNumbers(first)) throw new InputError(`${what}: row 0 is not an array of numbers`);
  const d = first.length;
  if (d === 0 && !allowEmpty) throw new InputError(`${what}: 0 features (shape=(${n}, 0))`);
  const m = Matrix.zeros(n, d, dtype);
  for (let i = 0; i < n; i++) {
    const row: unknown = x[i];
    if (!isArrayLikeOfNumbers(row)) throw new InputError(`${what}: row ${i} is not an array of numbers`);
    if (row.length !== d) throw new ShapeError(`${what}: row ${i} has ${row.length} values, expected ${d} (as row 0)`);
    const offset = i * d;
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number') throw new InputError(`${what}: row ${i}, column ${j} is ${JSON.stringify(v)}, not a number`);
      if (!Number.isFinite(v)) throw new InputError(`${what}: row ${i}, column ${j} is ${v}; remove or impute it before training`);
      m.data[offset + j] = v;
      const stored = m.data[offset + j]!;
      if (stored - stored !== 0) throw new InputError(`${what}: row ${i}, column ${j} is ${overflowReason(v, dtype)}`);
    }
  }
  return m;
}

function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

function checkNotEmpty(rows: number, cols: number, what: string): void {
  if (rows === 0) throw new InputError(`${what}: 0 samples; need at least 1 row`);
  if (cols === 0) throw new InputError(`${what}: 0 features (shape=(${rows}, 0))`);
}

/**
 * True when every x[i] (i < n) is finite. Branch-free (x·0 is 0 for finite x, NaN for NaN or
 * ±∞) with four independent sums: the training step runs it over every gradient and weight on
 * every step (the TypeScript kernels' allFinite), and input checks over every value given.
 */
export function allFinite(x: FloatArray, n: number): boolean {
  let a = 0, b = 0, c = 0, d = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    a += x[i]! * 0;
    b += x[i + 1]! * 0;
    c += x[i + 2]! * 0;
    d += x[i + 3]! * 0;
  }
  for (; i < n; i++) a += x[i]! * 0;
  return a + b + c + d === 0;
}

/** Every value finite; with `source`, m is its conversion and a non-finite value is an overflow of it. */
function checkFinite(m: Matrix, what: string, source?: Matrix): void {
  // One branch-free pass first (predict checks every input it is given); the search for the
  // culprit runs only when it fails.
  if (allFinite(m.data, m.rows * m.cols)) return;
  throwNonFinite(m, what, 0, source);
}

/**
 * Throws the InputError that names m's first non-finite value by row (counted from `rowOffset`,
 * for a block of a larger input) and column; with `source`, m is its conversion and the value an
 * overflow of it. For a caller whose finiteness pass failed (predict checks each batch it stages
 * in the kernels' memory, where the pass runs in WebAssembly).
 */
export function throwNonFinite(m: Matrix, what: string, rowOffset = 0, source?: Matrix): never {
  const n = m.rows * m.cols;
  const data = m.data;
  for (let k = 0; k < n; k++) {
    const v = data[k]!;
    if (v - v !== 0) {
      const where = `${what}: row ${rowOffset + Math.floor(k / m.cols)}, column ${k % m.cols}`;
      if (source !== undefined) throw new InputError(`${where} is ${overflowReason(source.data[k]!, m.dtype)}`);
      throw new InputError(`${where} is ${v}; remove or impute it before training`);
    }
  }
  throw new InputError(`${what}: a value is not finite`);
}

/**
 * As toMatrix, except that a Matrix already of `dtype` is passed on without its finiteness pass:
 * for a caller that checks each block as it stages it (predict), so that a large input is not
 * read twice, once of them in JavaScript.
 */
export function toMatrixCheckedLater(x: unknown, what: string, dtype: DType): Matrix {
  if (x instanceof Matrix && x.dtype === dtype && x.data.length === x.rows * x.cols) {
    checkNotEmpty(x.rows, x.cols, what);
    return x;
  }
  return toMatrix(x, what, dtype);
}
