import { InputError, NotFittedError } from '../core/errors.js';
import { describe, integerAtLeast, listValues } from '../core/validate.js';
import { checkLabelKinds, type Label } from '../core/labels.js';
import { sortLabels } from './schema.js';

/**
 * One-hot rows from class indices (tf.oneHot): index k of `depth` → a row with 1 at k.
 * @example oneHot([0, 2], 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: ArrayLike<number>, depth: number): number[][] {
  integerAtLeast('oneHot', 'depth', depth, 1);
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= depth) throw new InputError(`oneHot: row ${i} has index ${k}; expected an integer in [0, ${depth - 1}]`);
    const row = new Array<number>(depth).fill(0);
    row[k] = 1;
    out.push(row);
  }
  return out;
}

/**
 * Maps labels (numbers or class names) to indices 0..k−1 in a stable sorted order (numbers
 * ascending, then strings), and back: scikit-learn's LabelEncoder.
 * @example
 * const enc = labelEncoder().fit(['dog', 'cat', 'dog']); // classes ['cat', 'dog']
 * enc.transform(['dog']);        // [1]
 * enc.inverseTransform([0]);     // ['cat']
 */
export class LabelEncoder {
  classes: Label[] | undefined;
  private index: Map<Label, number> | undefined;

  /** Learns the classes (sorted) from the labels. */
  fit(labels: readonly Label[]): this {
    labels.forEach((v, i) => checkLabel(v, i));
    checkLabelKinds(labels, 'labelEncoder');
    if (labels.length === 0) throw new InputError('labelEncoder: 0 labels to fit on');
    return this.setClasses(sortLabels([...new Set(labels)]));
  }

  /** Uses a known class order instead of fitting one (e.g. the classes saved with a model). */
  setClasses(classes: readonly Label[]): this {
    classes.forEach((v, i) => checkLabel(v, i));
    checkLabelKinds(classes, 'labelEncoder');
    if (new Set(classes).size !== classes.length) throw new InputError('labelEncoder: classes must be distinct');
    this.classes = [...classes];
    this.index = new Map(this.classes.map((c, k) => [c, k]));
    return this;
  }

  /** Class indices of the labels; an unseen label is an InputError. */
  transform(labels: readonly Label[]): number[] {
    const index = this.requireFitted();
    return labels.map((v, i) => {
      const k = index.get(v);
      if (k === undefined) throw new InputError(`labelEncoder: row ${i} has label ${describe(v)}, not one of [${listValues(this.classes ?? [], true)}]`);
      return k;
    });
  }

  /** fit, then transform. */
  fitTransform(labels: readonly Label[]): number[] {
    return this.fit(labels).transform(labels);
  }

  /** The labels of class indices. */
  inverseTransform(indices: ArrayLike<number>): Label[] {
    this.requireFitted();
    const classes = this.classes!;
    const out: Label[] = [];
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!;
      const c = classes[k];
      if (!Number.isInteger(k) || c === undefined) throw new InputError(`labelEncoder: row ${i} has index ${k}; expected an integer in [0, ${classes.length - 1}]`);
      out.push(c);
    }
    return out;
  }

  /** The classes as plain JSON (labelEncoderFromJSON reads it back). */
  toJSON(): { classes: Label[] } {
    this.requireFitted();
    return { classes: [...this.classes!] };
  }

  private requireFitted(): Map<Label, number> {
    if (this.index === undefined) throw new NotFittedError('labelEncoder: call fit before transform');
    return this.index;
  }
}

/** A LabelEncoder: class labels (numbers or strings) ↔ indices 0..k−1. */
export function labelEncoder(): LabelEncoder {
  return new LabelEncoder();
}

/** Rebuilds a fitted encoder from toJSON() output. */
export function labelEncoderFromJSON(json: { classes: readonly Label[] }): LabelEncoder {
  if (json === null || typeof json !== 'object' || !Array.isArray(json.classes)) throw new InputError('labelEncoder: expected { classes: [...] }');
  return new LabelEncoder().setClasses(json.classes);
}

function checkLabel(v: unknown, i: number): void {
  if (typeof v === 'string') return;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`labelEncoder: row ${i} is ${describe(v)}; labels are finite numbers or strings`);
}
